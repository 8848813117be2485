#!/usr/bin/env node
// The published entry point: the TypeScript sources are compiled to dist/ by `npm run build`
// (run automatically by `npm ci` / `npm install` through the prepare script).
import('../dist/main/cli.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/main/cli.js')) {
    process.stderr.write('digital-meter: not built yet; run `npm run build` (or `npm ci`) first\n');
  } else {
    process.stderr.write(`digital-meter: ${error && error.stack ? error.stack : error}\n`);
  }
  process.exit(70);
});
