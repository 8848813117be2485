import { onBeforeUnmount, onMounted, watch, type Ref, type WatchSource } from 'vue';
import { whenVisible } from './charts.js';

/**
 * The life of a panel's chart, the same for every chart panel: built on mount and again when the
 * theme or language changes, redrawn when its data changes while it is on screen, destroyed on
 * unmount (a redraw already scheduled then finds no chart and does nothing).
 */
export function useChartLifecycle(options: {
  canvas: Ref<HTMLCanvasElement | null>;
  build: () => void;
  redraw: () => void;
  destroy: () => void;
  /** what the chart shows: a change asks for a redraw */
  data: WatchSource;
  /** how it looks (theme, language): a change rebuilds it */
  look: WatchSource;
}): void {
  onMounted(options.build);
  const gate = whenVisible(() => options.canvas.value, options.redraw);
  onBeforeUnmount(() => {
    gate.stop();
    options.destroy();
  });
  watch(options.data, gate.request);
  watch(options.look, options.build);
}
