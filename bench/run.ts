/**
 * `npm run bench`: runs every bench module (bench/*.bench.ts, compiled to dist/bench/*.bench.js) in one
 * process, or only those whose file name contains one of the CLI arguments:
 *   npm run bench -- partitioners
 * Each module exports `run(): Promise<void> | void` and prints its own table, always with the reference
 * measured in the same run and the ratio against it.
 */
import { readdirSync } from 'node:fs';

const dir = new URL('.', import.meta.url);
const filters = process.argv.slice(2);
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (modules.length === 0) {
  console.error('no bench modules matched');
  process.exit(1);
}
for (const file of modules) {
  const mod = (await import(new URL(file, dir).href)) as { run: () => Promise<void> | void };
  console.log(`\n=== ${file.replace(/\.bench\.js$/, '')} ===`);
  await mod.run();
}
