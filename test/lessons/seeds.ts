/**
 * `npm run test:lessons`: every lesson's full form over five seeds, then the seeds × lessons table.
 * A lesson passes when its outcome held for at least 4 of the 5 seeds. Slow (tens of
 * minutes on 2 cores), so it is outside the default `npm test`.
 *   tsx test/lessons/seeds.ts [--seeds 1,2,3,4,5] [--lessons id,id] [--quick] [--json out.json]
 */
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { describeBackend, selectBackend } from '../../src/engine/backends/select';
import { portableCandidates } from '../../src/engine/backends/portable';
import { nodeBackendCandidates } from '../../node/nodeBackends';
import { LESSONS, inProcessLessonEngine, runLesson, verdict, type LessonResult } from '../../src/lessons';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3,4,5' },
    lessons: { type: 'string' },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const seeds = values.seeds.split(',').map((s) => Number(s.trim()));
if (seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`--seeds must list whole numbers; got "${values.seeds}"`);
const wanted = values.lessons?.split(',').map((s) => s.trim());
const unknown = wanted?.filter((id) => !LESSONS.some((l) => l.id === id || String(l.number) === id)) ?? [];
if (unknown.length) throw new Error(`unknown lessons: ${unknown.join(', ')}`);
const lessons = LESSONS.filter((l) => !wanted || wanted.includes(l.id) || wanted.includes(String(l.number)));
const variant = values.quick ? 'quick' : 'full';

// wasm as the CLI starts it (threaded where it can): the lessons' figures are the wasm engine's.
const backend = await selectBackend([...nodeBackendCandidates(tf), ...portableCandidates(tf)], 'wasm');
console.log(`backend: ${describeBackend(backend)}`);
const engine = inProcessLessonEngine(tf, backend);
const results: { lesson: string; seed: number; held: boolean; wallS: number; cpuS: number; measured: string[] }[] = [];

for (const lesson of lessons) {
  for (const seed of seeds) {
    const cpu = process.cpuUsage();
    let result: LessonResult;
    try {
      result = await runLesson(lesson, engine, { variant, seed });
    } catch (error) {
      console.log(`${lesson.id} seed ${seed}: error ${error instanceof Error ? error.message : String(error)}`);
      results.push({ lesson: lesson.id, seed, held: false, wallS: NaN, cpuS: NaN, measured: [String(error)] });
      continue;
    }
    const used = process.cpuUsage(cpu);
    const row = {
      lesson: lesson.id,
      seed,
      held: result.outcome.held,
      wallS: result.wallMs / 1000,
      cpuS: (used.user + used.system) / 1e6,
      measured: result.outcome.checks.map((c) => `${c.held ? '✓' : '✗'} ${c.claim}: ${c.measured}`),
    };
    results.push(row);
    console.log(`${lesson.id} seed ${seed}: ${verdict(row.held)} in ${row.wallS.toFixed(1)} s wall, ${row.cpuS.toFixed(1)} s CPU`);
    for (const m of row.measured) console.log(`    ${m}`);
  }
}
engine.dispose();

const header = ['lesson', ...seeds.map((s) => `seed ${s}`), 'held', 'wall s (mean)', 'CPU s (mean)'];
const lines = lessons.map((lesson) => {
  const rows = results.filter((r) => r.lesson === lesson.id);
  const held = rows.filter((r) => r.held).length;
  const avg = (f: (r: (typeof rows)[number]) => number) => (rows.reduce((a, r) => a + f(r), 0) / rows.length).toFixed(0);
  return [
    lesson.id,
    ...seeds.map((s) => (rows.find((r) => r.seed === s)?.held ? 'held' : 'NOT')),
    `${held}/${seeds.length}`,
    avg((r) => r.wallS),
    avg((r) => r.cpuS),
  ];
});
const widths = header.map((_, c) => Math.max(header[c].length, ...lines.map((l) => l[c].length)));
const print = (cells: string[]) => console.log(cells.map((c, i) => c.padEnd(widths[i])).join('  '));
console.log('');
print(header);
lines.forEach(print);
if (values.json) await writeFile(values.json, JSON.stringify(results, null, 2));
const failing = lines.filter((l) => Number(l[seeds.length + 1].split('/')[0]) < Math.ceil(0.8 * seeds.length));
if (failing.length) {
  console.log(`\nbelow 4 of 5 seeds: ${failing.map((l) => l[0]).join(', ')}`);
  process.exitCode = 1;
}
