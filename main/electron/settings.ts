import Store from 'electron-store';
import { z } from 'zod';
import { rendererSettingsSchema, type RendererSettings } from '../../shared/ipc.js';

const rectangleSchema = z.object({
  x: z.number().int(), y: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive(),
});

/**
 * The shell's own settings (electron-store, a JSON file in Electron's userData folder): the
 * window, kiosk mode and what the renderer may change. Each field falls back to its default
 * on its own when the file holds something wrong, so one bad value never resets the others
 * and never stops the app from starting.
 */
export const shellSettingsSchema = z.object({
  window: z.object({ bounds: rectangleSchema.nullable(), maximized: z.boolean() })
    .catch({ bounds: null, maximized: false }),
  /** start full screen without chrome (the command line's --kiosk wins) */
  kiosk: z.boolean().catch(false),
  hideCursor: z.boolean().catch(false),
  language: rendererSettingsSchema.shape.language.catch('en'),
  autoUpdate: z.boolean().catch(false),
  updateChannel: rendererSettingsSchema.shape.updateChannel.catch('stable'),
});
export type ShellSettings = z.infer<typeof shellSettingsSchema>;

export const DEFAULT_SETTINGS: ShellSettings = shellSettingsSchema.parse({});

/** The part of electron-store this module uses (so tests can also hand in a plain object). */
export interface KeyValueFile {
  store: Record<string, unknown>;
}

export class SettingsStore {
  constructor(private readonly file: KeyValueFile) {}

  get(): ShellSettings {
    return shellSettingsSchema.parse(this.file.store);
  }

  /** Merge and write at once (electron-store writes the file atomically on every set). */
  update(changes: Partial<ShellSettings>): ShellSettings {
    const next = shellSettingsSchema.parse({ ...this.get(), ...changes });
    this.file.store = next;
    return next;
  }

  rendererView(): RendererSettings {
    const { language, autoUpdate, updateChannel } = this.get();
    return { language, autoUpdate, updateChannel };
  }
}

/** The real file: settings.json in userData (or `cwd` when given, for tests and portable runs). */
export function openSettingsFile(cwd?: string): KeyValueFile {
  return new Store<Record<string, unknown>>({
    name: 'settings',
    ...(cwd ? { cwd } : {}),
    defaults: DEFAULT_SETTINGS,
    clearInvalidConfig: true,
  });
}

/** electron-store's own ipcMain channel (answers its paths to a renderer); we remove it. */
export const ELECTRON_STORE_CHANNELS = ['electron-store-get-data'] as const;
