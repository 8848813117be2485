// The Electron entry point (package.json "main"); the headless entry is main/cli.ts.
import './electron/main.js';
