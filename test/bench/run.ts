/**
 * `npm run bench`: runs every benchmark module in this folder (or those named on the command
 * line) one after the other, each printing its own figures. Benchmarks print; they never fail
 * on a number, since these machines are noisy: compare medians and ratios from one run.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const modules = readdirSync(here)
  .filter((f) => f.endsWith('.js') && f !== 'run.js' && !f.startsWith("_") && f !== "stats.js")
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.js$/, '')));

for (const file of modules) {
  const module = (await import(join(here, file))) as { bench?: () => Promise<void> };
  if (typeof module.bench !== 'function') continue;
  console.log(`\n## ${file.replace(/\.js$/, '')}`);
  await module.bench();
}
