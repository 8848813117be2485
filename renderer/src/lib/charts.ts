import {
  BarController, BarElement, CategoryScale, Chart, Decimation, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
  type ChartConfiguration, type ChartType,
} from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, Decimation, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);
// a dashboard updated every second: no animation, no per-update layout of fonts from the page
Chart.defaults.animation = false;
Chart.defaults.responsive = true;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = 'system-ui, sans-serif';

export const COLORS = {
  import: '#e8590c', export: '#2b8a3e', phases: ['#1c7ed6', '#ae3ec9', '#f59f00'],
  bar: '#4c6ef5', running: '#f76707', alarm: '#e03131', target: '#c92a2a', electricity: '#4c6ef5', gas: '#f59f00', water: '#15aabf',
};

/** The page's text and grid colours (they follow the light/dark theme). */
export function themeColors(): { text: string; grid: string } {
  const style = getComputedStyle(document.documentElement);
  return { text: style.getPropertyValue('--muted').trim() || '#666', grid: style.getPropertyValue('--grid').trim() || 'rgba(128,128,128,0.2)' };
}

/**
 * Create a chart on a canvas, or null where there is no 2D context (component tests in a
 * DOM without canvas): the panel's numbers still show.
 */
export function createChart<T extends ChartType>(canvas: HTMLCanvasElement, config: ChartConfiguration<T>): Chart<T> | null {
  let context: CanvasRenderingContext2D | null;
  try {
    context = canvas.getContext('2d');
  } catch {
    return null;
  }
  if (!context) return null;
  return new Chart(context, config);
}

/**
 * Coalesce updates to one per animation frame, and at most one per `minIntervalMs`: many
 * telegrams between frames cost one redraw, and a chart whose bars move slowly (today's
 * quarters, the days) is not repainted for every telegram.
 */
export function frameScheduler(run: () => void, minIntervalMs = 0): () => void {
  let pending = false;
  let last = -Infinity;
  return () => {
    if (pending) return;
    pending = true;
    const wait = Math.max(0, last + minIntervalMs - performance.now());
    const draw = () => requestAnimationFrame(() => {
      pending = false;
      last = performance.now();
      run();
    });
    if (wait > 0) setTimeout(draw, wait); else draw();
  };
}

/**
 * Redraw only while the chart is on screen: below the fold (the desktop page scrolls) a chart
 * costs nothing per telegram, and is brought up to date when it scrolls into view.
 */
export function whenVisible(element: () => Element | null, redraw: () => void): { request: () => void; stop: () => void } {
  let visible = true;
  let missed = false;
  let observer: IntersectionObserver | null = null;
  const start = () => {
    const el = element();
    if (!el || typeof IntersectionObserver === 'undefined') return;
    observer = new IntersectionObserver((entries) => {
      visible = entries.some((e) => e.isIntersecting);
      if (visible && missed) {
        missed = false;
        redraw();
      }
    });
    observer.observe(el);
  };
  return {
    request: () => {
      if (!observer) start();
      if (visible) redraw(); else missed = true;
    },
    stop: () => observer?.disconnect(),
  };
}
