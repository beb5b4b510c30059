/**
 * `npm run bench:memory`: the design-only memory estimate (src/compile/resources.ts) against what
 * training really takes on the wasm engine. Each design trains one short epoch in its own process;
 * the wasm heap never shrinks, so its final size is the peak. Prints estimate, measured heap peak,
 * measured RSS growth and their ratios, and writes bench-results/memory.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cifarResNet, residualMlp } from '../../src/graph/examples';
import { formatBytes } from '../../src/compile/resources';
import { serializeDesign } from '../../src/graph/parse';

interface Case {
  name: string;
  file: string;
  dataset: string;
  batch: number;
  samples: number;
}

const root = join(import.meta.dirname, '..', '..');
const examples = join(root, 'assets', 'examples');
const scratch = mkdtempSync(join(tmpdir(), 'rescanvas-bench-memory-'));
const variant = (name: string, text: string) => {
  const file = join(scratch, `${name}.json`);
  writeFileSync(file, text);
  return file;
};

const cases: Case[] = [
  { name: 'Residual MLP-20', file: join(examples, 'residual-mlp-20.rescanvas.json'), dataset: 'spirals', batch: 64, samples: 600 },
  { name: 'Plain MLP-56', file: join(examples, 'plain-mlp-56.rescanvas.json'), dataset: 'spirals', batch: 64, samples: 600 },
  { name: 'Residual MLP-1002 (repeat)', file: join(examples, 'residual-mlp-1002-repeat.rescanvas.json'), dataset: 'spirals', batch: 64, samples: 320 },
  { name: 'Projection shortcut', file: join(examples, 'projection-shortcut.rescanvas.json'), dataset: 'spirals', batch: 64, samples: 600 },
  { name: 'ResNet-20 (shapes)', file: join(examples, 'resnet-20-cifar.rescanvas.json'), dataset: 'shapes', batch: 32, samples: 512 },
  { name: 'Plain-20 (shapes)', file: join(examples, 'plain-20-cifar.rescanvas.json'), dataset: 'shapes', batch: 32, samples: 512 },
  // Larger than the examples, so the heap grows well past its initial 16 MB and the ratio means something.
  {
    name: 'Residual MLP-20, width 1024',
    file: variant('mlp-wide', serializeDesign(residualMlp(20, { width: 1024 }))),
    dataset: 'spirals',
    batch: 256,
    samples: 1024,
  },
  { name: 'ResNet-20, batch 128', file: join(examples, 'resnet-20-cifar.rescanvas.json'), dataset: 'shapes', batch: 128, samples: 1024 },
  { name: 'ResNet-32', file: variant('resnet32', serializeDesign(cifarResNet(5))), dataset: 'shapes', batch: 64, samples: 512 },
];

const quick = process.argv.includes('--quick');
const rows: Record<string, unknown>[] = [];
for (const c of quick ? cases.slice(0, 2) : cases) {
  process.stdout.write(`  ${c.name} … `);
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'memoryOne.ts'), c.file, c.dataset, String(c.batch), String(c.samples)],
    { encoding: 'utf8' },
  );
  const m = JSON.parse(out.trim().split('\n').at(-1) as string) as {
    estimateBytes: number;
    heapPeakBytes: number;
    heapBeforeBytes: number;
    rssPeakBytes: number;
    rssBeforeBytes: number;
    parameters: number;
  };
  const heapRatio = m.heapPeakBytes / m.estimateBytes;
  const rssGrowth = m.rssPeakBytes - m.rssBeforeBytes;
  console.log('done');
  rows.push({
    name: c.name,
    batch: c.batch,
    parameters: m.parameters,
    estimate: m.estimateBytes,
    heapPeak: m.heapPeakBytes,
    heapGrew: m.heapPeakBytes > m.heapBeforeBytes,
    rssGrowth,
    heapRatio,
    rssRatio: rssGrowth / m.estimateBytes,
  });
}

console.table(
  Object.fromEntries(
    rows.map((r) => [
      r.name as string,
      {
        batch: r.batch,
        estimate: formatBytes(r.estimate as number),
        'wasm heap peak': `${formatBytes(r.heapPeak as number)}${r.heapGrew ? '' : ' (initial)'}`,
        'heap ÷ estimate': (r.heapRatio as number).toFixed(2),
        'RSS growth': formatBytes(r.rssGrowth as number),
        'RSS growth ÷ estimate': (r.rssRatio as number).toFixed(2),
      },
    ]),
  ),
);
const grown = rows.filter((r) => r.heapGrew);
if (grown.length) {
  const ratios = grown.map((r) => r.heapRatio as number);
  console.log(`heap peak ÷ estimate where the heap grew past its initial 16 MB: ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`);
}
const dir = join(root, 'bench-results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'memory.json'), `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
console.log(`JSON: ${join(dir, 'memory.json')}`);
