import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { keptApartBuild, runningTarget, sqlitePackageDir } from '../main/store/native-build.js';
import { prepareSqliteBuild } from './prepare-sqlite.js';

// `<node> dist/launcher/build-for-this-node.js`: compile better-sqlite3 for the Node running this
// script, kept apart from build/Release (CI's Node 24 pass: .ci/node24). Headers come from
// npm_config_nodedir, so nothing is downloaded; an existing build for this ABI is kept.
const appDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const packageDir = sqlitePackageDir(pathToFileURL(join(appDir, 'package.json')).href);
const target = runningTarget();
if (existsSync(keptApartBuild(packageDir, target))) {
  process.stdout.write(`better-sqlite3 for Node ${process.versions.node} (ABI ${target.abi}) is already built\n`);
} else {
  await prepareSqliteBuild({
    target, version: process.versions.node, packageDir, prebuilt: false,
    nodedir: process.env.npm_config_nodedir, write: (text) => process.stdout.write(text),
  });
}
