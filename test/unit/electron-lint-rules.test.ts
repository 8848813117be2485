import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const eslint = new ESLint({ cwd: root });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

describe('lint: Electron only in its corner, raw IPC only in the two typed wrappers', () => {
  it('bans electron in the core', async () => {
    expect(await problems('main/p1/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual(['no-restricted-imports']);
    expect(await problems('renderer/src/lib/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).toContain('no-restricted-imports');
  });

  it('bans ipcMain / ipcRenderer in main/electron and preload outside the wrappers, however they are reached', async () => {
    expect(await problems('main/electron/x.ts', "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n")).toContain('no-restricted-imports');
    expect(await problems('main/electron/x.ts', "import electron from 'electron';\nexport const a = electron.ipcMain;\n")).toEqual(['no-restricted-syntax']);
    expect(await problems('preload/other.cts', "import electron = require('electron');\nconst { ipcRenderer } = electron;\nexport = ipcRenderer;\n")).toContain('no-restricted-syntax');
    expect(await problems('main/electron/x.ts', "import { BrowserWindow } from 'electron';\nexport const a = BrowserWindow;\n")).toEqual([]);
  });

  it('allows them in main/electron/ipc-main.ts and preload/preload.cts', async () => {
    expect(await problems('main/electron/ipc-main.ts', "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n")).toEqual([]);
    expect(await problems('preload/preload.cts', "import electron = require('electron');\nconst { ipcRenderer } = electron;\nexport = ipcRenderer;\n")).toEqual([]);
  });
});
