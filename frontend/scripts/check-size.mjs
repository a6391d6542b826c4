// Fails when the JavaScript shipped to the browser (dist/assets/*.js, gzipped) passes the budget.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 100 * 1024;
const dir = new URL('../dist/assets/', import.meta.url).pathname;
let files;
try {
  files = readdirSync(dir).filter((f) => f.endsWith('.js'));
} catch {
  console.error(`No build found in ${dir}: run npm run build first.`);
  process.exit(1);
}
if (files.length === 0) {
  console.error(`No JavaScript in ${dir}: run npm run build first.`);
  process.exit(1);
}
let total = 0;
for (const f of files) {
  const size = gzipSync(readFileSync(join(dir, f)), { level: 9 }).length;
  total += size;
  console.log(`${f}: ${(size / 1024).toFixed(1)} KB gzipped`);
}
console.log(`total: ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB)`);
if (total > BUDGET) {
  console.error('JavaScript is over the size budget.');
  process.exit(1);
}
