import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// better-sqlite3's constructor loads the add-on from build/Release, which fits only the Node that
// installed it; openSqlite picks the build for the running ABI (Electron's, Node 24's in CI).
const SQLITE_CONSTRUCTOR = {
  name: 'better-sqlite3', importNames: ['default'],
  message: 'Open SQLite with openSqlite (main/store/sqlite.ts): it loads the native build for the running runtime.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'renderer/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'electron', message: 'Only main/electron/ and preload/ may import electron: the core runs headless.' },
          SQLITE_CONSTRUCTOR,
        ],
      }],
    },
  },
  {
    files: ['main/electron/**', 'preload/**'],
    rules: {
      // Electron is allowed here, but raw IPC only in the two typed wrappers (shared/ipc.ts's map).
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'Use the typed IPC wrappers: main/electron/ipc-main.ts and preload/preload.cts.' },
          SQLITE_CONSTRUCTOR,
        ],
      }],
      'no-restricted-syntax': ['error', {
        selector: 'Identifier[name=/^ipc(Main|Renderer)$/]',
        message: 'Raw IPC only in main/electron/ipc-main.ts and preload/preload.cts (the typed wrappers).',
      }],
    },
  },
  {
    files: ['main/electron/ipc-main.ts', 'preload/preload.cts'],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off' },
  },
  {
    files: ['main/store/sqlite.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // A sandboxed preload is CommonJS (import = require under verbatimModuleSyntax).
    files: ['preload/**/*.cts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // electron-builder hooks are loaded with require()
    files: ['resources/build/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['bin/**/*.js', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly' } },
  },
);
