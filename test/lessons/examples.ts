/**
 * `npm run test:examples`: every bundled example trained with its own preset on seeds 1–5, checked
 * against the result the preset states. Slow (ResNet-20 alone is minutes of CPU), so it is outside
 * the default `npm test`. An example passes when its expectation held on at least 4 of the 5 seeds.
 *   tsx test/lessons/examples.ts [--seeds 1,2,3,4,5] [--examples residual-mlp-20,plain-mlp-56] [--json out.json]
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeBackend, selectBackend } from '../../src/engine/backends/select';
import { portableCandidates } from '../../src/engine/backends/portable';
import { designConvolves, nodeBackendCandidates } from '../../node/nodeBackends';
import { inProcessLessonEngine } from '../../src/lessons';
import { parseDesignText } from '../../src/graph/parse';
import { settingsFromPreset } from '../../src/graph/presetSettings';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '1,2,3,4,5' }, examples: { type: 'string' }, json: { type: 'string' } } });
const seeds = values.seeds.split(',').map((s) => Number(s.trim()));
if (seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`--seeds must list whole numbers; got "${values.seeds}"`);
const folder = join(import.meta.dirname, '..', '..', 'assets', 'examples');
const files = readdirSync(folder).filter((f) => f.endsWith('.rescanvas.json'));
const wanted = values.examples?.split(',').map((s) => s.trim().replace(/\.rescanvas\.json$/, ''));
const unknown = wanted?.filter((w) => !files.includes(`${w}.rescanvas.json`)) ?? [];
if (unknown.length) throw new Error(`unknown examples: ${unknown.join(', ')} (known: ${files.map((f) => f.replace('.rescanvas.json', '')).join(', ')})`);
const chosen = files.filter((f) => !wanted || wanted.includes(f.replace('.rescanvas.json', '')));

// wasm as the CLI starts it (threaded where it can): the lessons' figures are the wasm engine's.
const convolves = chosen.some((f) => designConvolves(JSON.parse(readFileSync(join(folder, f), 'utf8')) as { nodes: { type: string }[] }));
const backend = await selectBackend([...nodeBackendCandidates(tf, { preferWasmThreads: convolves }), ...portableCandidates(tf)], 'wasm');
console.log(`backend: ${describeBackend(backend)}`);
const engine = inProcessLessonEngine(tf, backend);
const results: { example: string; seed: number; held: boolean; validationAccuracy: number | null; cpuS: number }[] = [];

for (const file of chosen) {
  const parsed = parseDesignText(readFileSync(join(folder, file), 'utf8'));
  if (!parsed.ok) throw new Error(`${file}: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  const { preset } = parsed.design;
  if (!preset?.expected) throw new Error(`${file} has no preset with an expected result`);
  const { min, max } = preset.expected.validationAccuracy;
  for (const seed of seeds) {
    const cpu = process.cpuUsage();
    const record = await engine.train({
      runId: `${file}-${seed}`,
      design: parsed.design,
      settings: { ...settingsFromPreset(preset, seed), instrumentation: { cadence: 'off' } },
    });
    const used = process.cpuUsage(cpu);
    const accuracy = record.epochs.at(-1)?.validationAccuracy ?? null;
    const held = accuracy !== null && (min === undefined || accuracy >= min) && (max === undefined || accuracy <= max);
    const row = { example: file, seed, held, validationAccuracy: accuracy, cpuS: (used.user + used.system) / 1e6 };
    results.push(row);
    console.log(
      `${file} seed ${seed}: ${held ? 'held' : 'NOT'} — validation accuracy ${accuracy === null ? '—' : `${(100 * accuracy).toFixed(1)} %`} (expected ${preset.expected.summary}), ${row.cpuS.toFixed(1)} s CPU`,
    );
  }
}
engine.dispose();

console.log('');
let failing = 0;
for (const file of chosen) {
  const rows = results.filter((r) => r.example === file);
  const held = rows.filter((r) => r.held).length;
  if (held < Math.ceil(0.8 * seeds.length)) failing++;
  const accs = rows.map((r) => (r.validationAccuracy === null ? '—' : (100 * r.validationAccuracy).toFixed(1))).join(' / ');
  console.log(
    `${file.padEnd(42)} ${held}/${rows.length} held  accuracy % ${accs}  mean CPU ${(rows.reduce((a, r) => a + r.cpuS, 0) / rows.length).toFixed(0)} s`,
  );
}
if (values.json) await writeFile(values.json, JSON.stringify(results, null, 2));
if (failing) process.exitCode = 1;
