import type { Command } from 'commander';
import { LESSONS, findLesson, formatOutcome, inProcessLessonEngine, runLesson, verdict, type LessonResult } from '../../src/lessons';
import { UsageError } from '../errors';

/** Exit code when a lesson ran but its expected outcome did not hold (0: held, 2: bad usage). */
export const DID_NOT_HOLD_EXIT_CODE = 3;

function parseSeed(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 0xffffffff) throw new UsageError(`--seed must be a whole number from 0 to ${0xffffffff}; got "${text}"`);
  return Number(text);
}

function listLessons(): void {
  for (const l of LESSONS) console.log(`${String(l.number).padStart(2)}  ${l.id.padEnd(26)} ${l.title}\n    ${l.point}`);
}

/** Loads tf.js on the wasm backend (with the training kernels it lacks) only when a lesson runs. */
async function wasmTf() {
  const tf = await import('@tensorflow/tfjs');
  const { useWasmBackend } = await import('../../src/engine/backends/wasm');
  const status = await useWasmBackend(tf);
  if (!status.active) throw new UsageError('the wasm backend did not start; lessons need it', 1);
  return { tf, status };
}

export function registerLesson(program: Command): void {
  program
    .command('lesson')
    .description('run a guided lesson headless and check its expected outcome')
    .argument('[id]', 'lesson id or number (see --list)')
    .option('--list', 'list the lessons')
    .option('--quick', 'the short form (seconds instead of minutes; checks the robust part of the claim)')
    .option('--seed <n>', 'seed for the data, the initial weights and the batch order', '1')
    .addHelpText(
      'after',
      `\nExit codes: 0 the expected outcome held, ${DID_NOT_HOLD_EXIT_CODE} it did not hold, 2 bad usage, 1 internal error.\nExample: rescanvas lesson residuals-fix-it --quick --seed 2`,
    )
    .action(async (id: string | undefined, options: { list?: boolean; quick?: boolean; seed: string }) => {
      if (options.list) return listLessons();
      if (!id) throw new UsageError(`name a lesson (one of: ${LESSONS.map((l) => l.id).join(', ')}) or pass --list`);
      const lesson = findLesson(id);
      if (!lesson) throw new UsageError(`no lesson "${id}"; known: ${LESSONS.map((l) => l.id).join(', ')}`);
      const seed = parseSeed(options.seed);
      const variant = options.quick ? 'quick' : 'full';
      const { tf, status } = await wasmTf();
      console.log(`Lesson ${lesson.number}: ${lesson.title} (${variant}, seed ${seed}; tf.js wasm, SIMD ${status.simd ? 'on' : 'off'})\n${lesson.point}\n`);
      lesson.steps.forEach((s, i) => console.log(`${i + 1}. ${s}`));
      console.log('');
      const engine = inProcessLessonEngine(tf, { active: 'wasm', detail: `SIMD ${status.simd ? 'on' : 'off'}`, skipped: [], forced: true });
      const cpuBefore = process.cpuUsage();
      let result: LessonResult;
      try {
        result = await runLesson(lesson, engine, {
          variant,
          seed,
          onEvent: (event) => {
            if (event.type === 'setup') event.setup.notes?.forEach((n) => console.log(`· ${n}`));
            if (event.type === 'runStart') console.log(`[${event.index + 1}/${event.count}] ${event.label}`);
            if (event.type === 'epoch')
              console.log(`    epoch ${event.report.epoch}: loss ${event.report.loss.toFixed(4)}, accuracy ${(event.report.accuracy * 100).toFixed(1)}%`);
            if (event.type === 'runDone') {
              const r = event.record;
              console.log(
                `    ${r.outcome.reason} after ${r.outcome.steps} step${r.outcome.steps === 1 ? '' : 's'} in ${(r.wallMs / 1000).toFixed(1)} s${r.diagnostics.length ? `; ${r.diagnostics.map((d) => d.message).join('; ')}` : ''}`,
              );
            }
          },
        });
      } finally {
        engine.dispose();
      }
      const cpu = process.cpuUsage(cpuBefore);
      console.log(`\n${formatOutcome(lesson, result)} (CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s)`);
      console.log(`Outcome: ${verdict(result.outcome.held)}`);
      if (!result.outcome.held) process.exitCode = DID_NOT_HOLD_EXIT_CODE;
    });
}
