/**
 * Peak memory of loading a CSV near MAX_CSV_BYTES: `npx tsx test/bench/csvMemory.ts [--quick]`.
 * Each file is loaded in a fresh Node process, which reports its peak RSS (VmHWM) and its RSS
 * with the text in memory just before loading, so the figure is the loader's own, not the bench's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_CSV_BYTES, loadDataset } from '../../src/engine/datasets';

const MB = 1024 * 1024;

function rssKb(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) : NaN;
}

if (process.argv[2] === '--child') {
  const file = process.argv[3];
  const startRss = rssKb('VmRSS');
  const text = readFileSync(file, 'utf8');
  const beforeLoad = rssKb('VmRSS');
  const started = performance.now();
  const dataset = await loadDataset({ kind: 'csv', text, name: 'bench.csv' });
  const ms = performance.now() - started;
  process.stdout.write(
    JSON.stringify({
      startRssKb: startRss,
      beforeLoadKb: beforeLoad,
      peakKb: rssKb('VmHWM'),
      rows: dataset.train.count + dataset.validation.count,
      features: dataset.sampleShape[0],
      classes: dataset.classes,
      ms,
    }),
  );
  process.exit(0);
}

const quick = process.argv.includes('--quick');
const target = quick ? 20 * MB : MAX_CSV_BYTES - MB;
const dir = mkdtempSync(join(tmpdir(), 'rescanvas-csv-bench-'));

/** Rows until the file is about `target` bytes. */
function writeCsv(name: string, header: string, row: (i: number) => string): string {
  const path = join(dir, name);
  const parts: string[] = [header];
  let bytes = header.length;
  for (let i = 0; bytes < target; i++) {
    const line = row(i);
    parts.push(line);
    bytes += line.length;
  }
  writeFileSync(path, parts.join(''));
  return path;
}

let seed = 7;
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const files = [
  // Typical numeric data: 8 decimals per row and a class name.
  [
    'typical (8 decimals + class name)',
    writeCsv('typical.csv', 'a,b,c,d,e,f,g,h,label\n', (i) => `${Array.from({ length: 8 }, () => (random() * 10 - 5).toFixed(4)).join(',')},class_${i % 10}\n`),
  ],
  // The densest values can be: one digit each, so every 2 bytes of text become a 4-byte float.
  // 22-byte rows keep a file near the size limit under MAX_CSV_ROWS.
  [
    'densest (single digits, 22-byte rows)',
    writeCsv('dense.csv', 'a,b,c,d,e,f,g,h,i,j,label\n', (i) => `${Array.from({ length: 10 }, (_, j) => (i + j) % 10).join(',')},${i % 3}\n`),
  ],
] as const;

console.log(`── CSV load peak memory (measured on a loaded shared 2-core machine) ──`);
const rows: Record<string, Record<string, string>> = {};
for (const [label, path] of files.filter(([l]) => !process.argv.includes('--densest') || l.startsWith('densest'))) {
  const size = statSync(path).size;
  const child = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', path], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) {
    console.log(`${label}: failed\n${child.stderr}`);
    continue;
  }
  const r = JSON.parse(child.stdout) as { startRssKb: number; beforeLoadKb: number; peakKb: number; rows: number; ms: number };
  const peakOverStart = (r.peakKb - r.startRssKb) * 1024;
  const peakOverText = (r.peakKb - r.beforeLoadKb) * 1024;
  rows[label] = {
    file: `${(size / MB).toFixed(1)} MB`,
    rows: r.rows.toLocaleString('en-US'),
    'peak RSS − RSS at start (text included)': `${(peakOverStart / MB).toFixed(0)} MB = ${(peakOverStart / size).toFixed(2)}× file`,
    'peak RSS − RSS with text read': `${(peakOverText / MB).toFixed(0)} MB = ${(peakOverText / size).toFixed(2)}× file`,
    load: `${(r.ms / 1000).toFixed(1)} s`,
  };
}
console.table(rows);
rmSync(dir, { recursive: true, force: true });
