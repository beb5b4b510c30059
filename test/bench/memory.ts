/**
 * `npm run bench:memory`: the design-only memory estimate (src/compile/resources.ts) against what
 * training really takes on the wasm engine. Each design (the bundled examples, then larger variants
 * that grow the heap well past its initial 16 MB) trains one short epoch through the engine session
 * in its own process; the wasm heap never shrinks, so its final size is the peak, and the process's
 * peak RSS comes from getrusage. Prints the estimate beside both, the ratios estimate ÷ measured,
 * and whether each lies within the stated factor; writes bench-results/memory.json.
 * `--quick` runs the first two designs; `--types` also prints the per-type figures (memoryTypes.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cifarResNet, residualMlp } from '../../src/graph/examples';
import { formatBytes } from '../../src/compile/resources';
import { serializeDesign } from '../../src/graph/parse';
import { DesignBuilder } from '../../src/graph/builder';

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

/** Input[2] → Dense width → `norms` LayerNorms → Output. */
function layerNormTower(width: number, norms: number) {
  const b = new DesignBuilder(`Dense ${width} + ${norms} LayerNorms`);
  let x = b.add('Dense', { units: width, activation: 'relu' }, { from: b.add('Input', { shape: [2] }) });
  for (let i = 0; i < norms; i++) x = b.add('LayerNorm', {}, { from: x });
  b.add('Output', { units: 2 }, { from: x });
  return b.build();
}

const cases: Case[] = [
  { name: 'Residual MLP-20', file: join(examples, 'residual-mlp-20.rescanvas.json'), dataset: 'spirals', batch: 64, samples: 600 },
  { name: 'Plain MLP-20', file: join(examples, 'plain-mlp-20.rescanvas.json'), dataset: 'spirals', batch: 64, samples: 600 },
  { name: 'Residual MLP-56', file: join(examples, 'residual-mlp-56.rescanvas.json'), dataset: 'spirals', batch: 64, samples: 600 },
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
  // At batch 64 the estimate (~3.9 GB) refuses it on wasm.
  { name: 'ResNet-32', file: variant('resnet32', serializeDesign(cifarResNet(5))), dataset: 'shapes', batch: 32, samples: 512 },
  // LayerNorm, whose backward pass keeps the most per value, in the design the browser test once ran out of memory with.
  {
    name: 'Dense 16384 + 16 LayerNorms',
    file: variant('layernorm-tower', serializeDesign(layerNormTower(16384, 16))),
    dataset: 'spirals',
    batch: 64,
    samples: 300,
  },
];

/**
 * The stated factor: the estimate is within it of the measured wasm heap peak (what the engine's
 * limit is set against) wherever the heap grew past its initial size. Below 1 the estimate is short,
 * and a design it lets through may still run out of memory.
 */
const FACTOR = { low: 0.5, high: 2 };
const within = (ratio: number) => ratio >= FACTOR.low && ratio <= FACTOR.high;

const quick = process.argv.includes('--quick');
/** `--only NAME` (repeatable): just the cases of that name. */
const only = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--only' ? [a] : []));
const selected = (quick ? cases.slice(0, 2) : cases).filter((c) => !only.length || only.includes(c.name));
const rows: Record<string, unknown>[] = [];
for (const c of selected) {
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
  const heapGrew = m.heapPeakBytes > m.heapBeforeBytes;
  const rssGrowth = m.rssPeakBytes - m.rssBeforeBytes;
  const heapRatio = m.estimateBytes / m.heapPeakBytes;
  console.log(`estimate ${formatBytes(m.estimateBytes)}, heap ${formatBytes(m.heapPeakBytes)}, ratio ${heapRatio.toFixed(2)}`);
  rows.push({
    name: c.name,
    batch: c.batch,
    parameters: m.parameters,
    estimate: m.estimateBytes,
    heapPeak: m.heapPeakBytes,
    heapGrew,
    rssPeak: m.rssPeakBytes,
    rssGrowth,
    estimateOverHeap: heapRatio,
    estimateOverRssGrowth: m.estimateBytes / rssGrowth,
    withinFactor: heapGrew ? within(heapRatio) : null,
  });
}

console.log(`Measured on a loaded shared machine (wasm backend in Node); stated factor: estimate ÷ heap peak within ${FACTOR.low}×–${FACTOR.high}×.`);
console.table(
  Object.fromEntries(
    rows.map((r) => [
      r.name as string,
      {
        batch: r.batch,
        estimate: formatBytes(r.estimate as number),
        'wasm heap peak': `${formatBytes(r.heapPeak as number)}${r.heapGrew ? '' : ' (initial)'}`,
        'estimate ÷ heap': (r.estimateOverHeap as number).toFixed(2),
        'peak RSS': formatBytes(r.rssPeak as number),
        'RSS growth': formatBytes(r.rssGrowth as number),
        'estimate ÷ RSS growth': (r.estimateOverRssGrowth as number).toFixed(2),
        'within factor': r.withinFactor === null ? 'heap did not grow' : r.withinFactor ? 'yes' : 'NO',
      },
    ]),
  ),
);
const grown = rows.filter((r) => r.heapGrew);
const ratios = grown.map((r) => r.estimateOverHeap as number);
const outside = grown.filter((r) => !r.withinFactor).map((r) => r.name as string);
if (ratios.length) console.log(`estimate ÷ heap peak where the heap grew: ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`);
console.log(outside.length ? `OUTSIDE the stated factor: ${outside.join(', ')}` : `all within ${FACTOR.low}×–${FACTOR.high}×`);
if (process.argv.includes('--types')) execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'memoryTypes.ts')], { stdio: 'inherit' });
const dir = join(root, 'bench-results');
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, 'memory.json'),
  `${JSON.stringify({ date: new Date().toISOString(), machine: 'loaded shared machine', factor: FACTOR, rows }, null, 2)}\n`,
);
console.log(`JSON: ${join(dir, 'memory.json')}`);
if (outside.length) process.exitCode = 1;
