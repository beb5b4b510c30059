import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020';
import { residualMlp } from '../../../src/graph/examples';
import { parseDesignText, serializeDesign } from '../../../src/graph/parse';
import { MAX_CURVE_POINTS, MAX_SAVED_RUNS, readSavedRuns, thin, type SavedRunInput } from '../../../src/graph/savedRuns';
import { designJsonSchema } from '../../../src/graph/jsonSchema';

const DOC = residualMlp(2);

function savedRun(id: string, overrides: Partial<SavedRunInput> = {}): SavedRunInput {
  return {
    id,
    label: `run ${id}`,
    designName: 'residual-mlp-4',
    design: residualMlp(4),
    settings: { dataset: { kind: 'spirals', size: 200 }, epochs: 2 },
    startedAt: 1_700_000_000_000,
    steps: [
      { x: 0.5, loss: 0.9, accuracy: 0.5 },
      { x: 1, loss: null, accuracy: 0.6 },
    ],
    epochs: [{ epoch: 1, loss: 0.8, accuracy: 0.6, validationLoss: null, validationAccuracy: null }],
    outcome: { reason: 'completed', epochs: 2, steps: 20, loss: 0.7, accuracy: 0.65, validationLoss: 0.75, validationAccuracy: 0.6 },
    profile: { activationStd: [1, 0.5, null], gradientRms: [0.01, null, 0.1] },
    blockDrop: { baseline: { loss: 0.7, accuracy: 0.65 }, results: [{ dropped: ['add_1'], loss: 0.9, accuracy: 0.5 }] },
    ...overrides,
  };
}

describe('saved runs in a design file', () => {
  it('reads good runs and turns null losses back into NaN', () => {
    const read = readSavedRuns([savedRun('a'), savedRun('b')], DOC);
    expect(read.warnings).toEqual([]);
    expect(read.runs.map((r) => r.id)).toEqual(['a', 'b']);
    expect(read.runs[0].steps[1].loss).toBeNaN();
    expect(read.runs[0].epochs[0].validationLoss).toBeNull();
    expect(read.runs[0].settings.batchSize).toBe(64);
  });

  it("a run without its own design snapshot trained the document's design", () => {
    const { design: _snapshot, ...bare } = savedRun('a');
    const read = readSavedRuns([bare, savedRun('b')], DOC);
    expect(read.warnings).toEqual([]);
    expect(read.runs[0].design).toBe(DOC);
    expect(read.runs[1].design.nodes).toHaveLength(residualMlp(4).nodes.length);
  });

  it('an older file without runs reads as no runs and no warnings', () => {
    expect(readSavedRuns(undefined, DOC)).toEqual({ runs: [], warnings: [] });
  });

  it('names the bad run and the field, and keeps the others', () => {
    const bad = { ...savedRun('b'), steps: [{ x: 0.5, loss: 'high', accuracy: 0.5 }] };
    const read = readSavedRuns([savedRun('a'), bad, savedRun('c')], DOC);
    expect(read.runs.map((r) => r.id)).toEqual(['a', 'c']);
    expect(read.warnings).toHaveLength(1);
    expect(read.warnings[0]).toMatch(/^run 2 "run b" \(id b\) was not loaded: runs\[1\]\.steps\[0\]\.loss: /);
  });

  it('refuses a run whose design snapshot is broken, a repeated id, and a runs value that is not a list', () => {
    const design = residualMlp(4);
    const broken = savedRun('x', { design: { ...design, edges: [...design.edges, { id: 'e_ghost', source: 'ghost', target: 'dense_1' }] } });
    const read = readSavedRuns([savedRun('a'), broken, savedRun('a')], DOC);
    expect(read.runs.map((r) => r.id)).toEqual(['a']);
    expect(read.warnings[0]).toMatch(/run 2 "run x" .*runs\[1\]\.design: edge "e_ghost" source "ghost" is not a node/);
    expect(read.warnings[1]).toMatch(/run 3 .*runs\[2\]\.id: another run already uses id "a"/);
    expect(readSavedRuns({ a: 1 }, DOC).warnings).toEqual(['runs: expected a list of runs, found object; no runs were loaded']);
  });

  it('keeps the newest runs when a file holds more than the cap', () => {
    const many = Array.from({ length: MAX_SAVED_RUNS + 3 }, (_, i) => savedRun(`r${i}`));
    const read = readSavedRuns(many, DOC);
    expect(read.runs).toHaveLength(MAX_SAVED_RUNS);
    expect(read.runs[0].id).toBe('r3');
    expect(read.runs.at(-1)?.id).toBe(`r${MAX_SAVED_RUNS + 2}`);
    expect(read.warnings).toEqual([`runs: the file holds ${MAX_SAVED_RUNS + 3} runs; the ${MAX_SAVED_RUNS} newest were loaded`]);
  });

  it('thins long curves evenly to the cap, keeping the first and last points', () => {
    const points = Array.from({ length: 10_001 }, (_, i) => i);
    const thinned = thin(points);
    expect(thinned).toHaveLength(MAX_CURVE_POINTS);
    expect(new Set(thinned).size).toBe(MAX_CURVE_POINTS);
    expect(thinned[0]).toBe(0);
    expect(thinned.at(-1)).toBe(10_000);
    expect(thin([1, 2, 3])).toEqual([1, 2, 3]);
  });

  it('a design with a bad run still parses as a design (runs are read separately), and the published schema describes runs', () => {
    const text = serializeDesign({ ...residualMlp(4), runs: [savedRun('a'), { id: 7 }] });
    const parsed = parseDesignText(text);
    expect(parsed.ok).toBe(true);
    const validate = new Ajv2020({ strict: false }).compile(designJsonSchema());
    const doc = JSON.parse(text) as { runs: unknown[] };
    expect(validate(doc)).toBe(false);
    expect(validate({ ...doc, runs: [doc.runs[0]] })).toBe(true);
  });
});
