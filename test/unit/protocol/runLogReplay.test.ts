/** The renderer side of replay that needs no page: node-id check, the stats store's recording, the status line. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDesignText } from '../../../src/graph/parse';
import type { Design } from '../../../src/graph/design';
import { unroll } from '../../../src/graph/unroll';
import { ACTIVATION_FIELDS, GRADIENT_FIELDS, HISTOGRAM_BINS, STATS_SCHEMA_VERSION, type StatsFrame } from '../../../src/schema/stats';
import { checkNodeIds } from '../../../renderer/replay/nodeIds';
import { replaySummary } from '../../../renderer/replay/summary';
import { manualStatsStore } from '../support/manualStatsStore';

function example(name: string): Design {
  const parsed = parseDesignText(readFileSync(join(__dirname, '../../../assets/examples', `${name}.rescanvas.json`), 'utf8'));
  if (!parsed.ok) throw new Error(`${name} does not parse`);
  return parsed.design;
}

function frame(ids: string[], step: number, runId = 'logged'): StatsFrame {
  const rows = ids.length;
  return {
    schema: STATS_SCHEMA_VERSION,
    runId,
    step,
    epoch: 1,
    elapsedMs: step,
    loss: 1 / (step + 1),
    nodes: {
      ids,
      activation: new Float32Array(rows * ACTIVATION_FIELDS.length).fill(step + 1),
      activationHistogram: new Float32Array(rows * HISTOGRAM_BINS).fill(1 / HISTOGRAM_BINS),
      gradient: new Float32Array(rows * GRADIENT_FIELDS.length).fill(0.1),
      gradientHistogram: new Float32Array(rows * HISTOGRAM_BINS).fill(1 / HISTOGRAM_BINS),
    },
    edges: { ids: [], gradient: new Float32Array() },
    weights: { ids: [], nodeIds: [], values: new Float32Array() },
    groups: { ids: [], values: new Float32Array() },
  };
}

describe('checkNodeIds', () => {
  const repeat = example('residual-mlp-1002-repeat');
  const ids = unroll(repeat).nodes.map((n) => n.id);

  it('accepts unrolled copy ids (id__k) of the open design', () => {
    expect(ids).toContain('dense_2__499');
    expect(checkNodeIds(repeat, [frame(ids, 0), frame(ids, 1)])).toEqual({ ok: true });
  });

  it('names the ids another design lacks, five at most, with the count', () => {
    const check = checkNodeIds(example('residual-mlp-20'), [frame(ids, 0)]);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.missing).toContain('layernorm_1');
    expect(check.missing).toContain('dense_3__499');
    expect(check.reason).toMatch(
      new RegExp(`^its stats name ${check.missing.length} nodes the open design does not have: "layernorm_1", .* and ${check.missing.length - 5} more$`),
    );
  });

  it('explains a design that cannot be unrolled', () => {
    const broken: Design = { ...repeat, edges: [] };
    expect(checkNodeIds(broken, [frame(['input_1'], 0)])).toMatchObject({
      ok: false,
      missing: [],
      reason: expect.stringMatching(/^the open design cannot be unrolled \(/),
    });
  });
});

describe('StatsStore.loadRecording', () => {
  const ids = ['input_1', 'dense_1'];

  it('replaces the history, shows the last frame, acknowledges nothing, and live frames end it', () => {
    const { store, flush } = manualStatsStore();
    const acks: number[] = [];
    store.onAck((seq) => acks.push(seq));
    store.push(frame(ids, 0, 'live-1'), 1);
    flush();
    store.loadRecording([frame(ids, 10), frame(ids, 20), frame(ids, 30)], 'run.jsonl');
    flush();
    expect(store.frameCount).toBe(3);
    expect(store.current()?.step).toBe(30);
    expect(store.replay).toEqual({ name: 'run.jsonl', loggedFrames: 3 });
    expect(acks).toEqual([1]);
    store.scrubTo(0);
    expect(store.current()?.step).toBe(10);

    // A new live run, even one that reuses the log's run id, replaces the replay.
    store.push(frame(ids, 1, 'logged'), 2);
    flush();
    expect(store.replay).toBeNull();
    expect(store.frames().map((f) => f.step)).toEqual([1]);
    expect(store.cursorIndex).toBeNull();
    expect(acks).toEqual([1, 2]);
  });

  it('clear() (a training run starting) ends the replay', () => {
    const { store } = manualStatsStore();
    store.loadRecording([frame(ids, 1)], 'run.jsonl');
    store.clear();
    expect(store.replay).toBeNull();
    expect(store.frameCount).toBe(0);
  });
});

describe('replaySummary', () => {
  it('states frames, epochs, final loss and who trained, with warnings', () => {
    const ids = ['a'];
    const text = replaySummary(
      {
        header: {
          format: 'rescanvas.runlog',
          version: 1,
          source: 'pytorch',
          runId: 'r',
          designName: 'd',
          nodeIds: ids,
          worldSize: 2,
          settings: {},
          startedAt: '',
        },
        frames: [frame(ids, 0, 'r'), frame(ids, 5, 'r')],
        epochs: [1, 2].map((epoch) => ({
          epoch,
          step: epoch * 5,
          loss: 1 / epoch,
          accuracy: null,
          validationLoss: null,
          validationAccuracy: null,
          learningRate: null,
          elapsedMs: 0,
        })),
        end: null,
        warnings: ['no end record: the job stopped before it finished'],
      },
      'run.jsonl',
      2,
    );
    expect(text).toBe(
      'Replaying run log run.jsonl: 2 frames, epochs 2, final loss 0.5000 (loss by epoch 1.000 → 0.5000) · pytorch, 2 processes — note: no end record: the job stopped before it finished',
    );
  });
});
