import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../src/engine/backends/wasm';
import { LESSONS, inProcessLessonEngine, runLesson, formatOutcome, type ProtocolLessonEngine } from '../../src/lessons';

/**
 * Every lesson's quick form, on wasm, seed 1: its expected outcome must hold. The full forms run
 * over five seeds in `npm run test:lessons` (test/lessons/seeds.ts).
 */
let engine: ProtocolLessonEngine;

beforeAll(async () => {
  const status = await useWasmBackend(tf);
  if (!status.active) throw new Error('wasm backend did not start');
  engine = inProcessLessonEngine(tf, { active: 'wasm', detail: '', skipped: [], forced: true });
});

afterAll(() => engine.dispose());

describe('lessons, quick form', () => {
  for (const lesson of LESSONS) {
    it(`${lesson.number}. ${lesson.title}`, { timeout: 240_000 }, async () => {
      const before = tf.memory().numTensors;
      const result = await runLesson(lesson, engine, { variant: 'quick', seed: 1 });
      const report = formatOutcome(lesson, result);
      expect(result.outcome.checks.length, report).toBeGreaterThan(0);
      for (const check of result.outcome.checks)
        expect(check.held, `${check.claim}: expected ${check.expected}, measured ${check.measured}\n${report}`).toBe(true);
      expect(result.outcome.held).toBe(true);
      // The engine keeps only the last run's weights and data alive between lessons.
      engine.dispose();
      expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
    });
  }
});
