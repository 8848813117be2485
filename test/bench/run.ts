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
const available = readdirSync(here)
  .filter((f) => f.endsWith('.js') && f !== 'run.js' && !f.startsWith("_") && f !== "stats.js")
  .map((f) => f.replace(/\.js$/, ''));
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length) {
  // a typo must not look like a benchmark that ran and printed nothing
  console.error(`bench: no benchmark named ${unknown.map((n) => `'${n}'`).join(', ')}; there are: ${available.join(', ')}`);
  process.exit(64);
}
const modules = available.filter((name) => wanted.length === 0 || wanted.includes(name)).map((name) => `${name}.js`);

for (const file of modules) {
  const module = (await import(join(here, file))) as { bench?: () => Promise<void> };
  if (typeof module.bench !== 'function') continue;
  console.log(`\n## ${file.replace(/\.js$/, '')}`);
  await module.bench();
}
