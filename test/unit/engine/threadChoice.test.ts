import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseWasmThreads, DENSE_THREADS_REASON, designConvolves, designKind } from '../../../src/engine/backends/threadChoice';
import { NOT_ISOLATED_REASON } from '../../../src/engine/backends/browser';
import { requestedWasmThreads } from '../../../node/nodeBackends';

const examples = join(import.meta.dirname, '..', '..', '..', 'assets', 'examples');
const example = (file: string) => JSON.parse(readFileSync(join(examples, file), 'utf8')) as { nodes: { type: string }[] };

describe('the wasm thread count for a design', () => {
  it('is one per core (capped by the caller) for a design with convolutions', () => {
    expect(chooseWasmThreads({ kind: 'conv', perCore: 8 })).toEqual({ threads: 8, why: 'one per core for the convolutions' });
  });

  it('is one, with the reason, for a dense design', () => {
    expect(chooseWasmThreads({ kind: 'dense', perCore: 8 })).toEqual({ threads: 1, why: DENSE_THREADS_REASON });
    expect(DENSE_THREADS_REASON).toBe('threads off: without convolutions the thread pool costs more than it saves');
    expect(chooseWasmThreads({ kind: 'dense', perCore: 8, overrideHint: '?threads=N overrides' }).why).toBe(`${DENSE_THREADS_REASON} (?threads=N overrides)`);
  });

  it('follows a forced count whatever the kind', () => {
    expect(chooseWasmThreads({ kind: 'dense', perCore: 2, forced: { threads: 4, by: '?threads=4' } })).toEqual({ threads: 4, why: 'set by ?threads=4' });
    expect(chooseWasmThreads({ kind: 'conv', perCore: 8, forced: { threads: 1, by: 'RESCANVAS_WASM_THREADS=1' } })).toEqual({
      threads: 1,
      why: 'threads off: one thread requested (RESCANVAS_WASM_THREADS=1)',
    });
  });

  it('is one where threads cannot run, naming why, even when forced', () => {
    const notIsolated = { perCore: null, unavailableReason: NOT_ISOLATED_REASON };
    expect(chooseWasmThreads({ kind: 'conv', ...notIsolated })).toEqual({ threads: 1, why: NOT_ISOLATED_REASON });
    expect(chooseWasmThreads({ kind: 'conv', ...notIsolated, forced: { threads: 4, by: '?threads=4' } })).toEqual({ threads: 1, why: NOT_ISOLATED_REASON });
  });

  it('says there is one core rather than crediting convolutions with one thread', () => {
    expect(chooseWasmThreads({ kind: 'conv', perCore: 1 })).toEqual({ threads: 1, why: 'threads off: one core' });
  });

  it('is the decision the CLI takes too, with its environment variable', () => {
    expect(requestedWasmThreads(false, {})).toEqual({ threads: 1, why: `${DENSE_THREADS_REASON} (RESCANVAS_WASM_THREADS=N overrides)` });
    expect(requestedWasmThreads(false, { RESCANVAS_WASM_THREADS: '3' })).toEqual({ threads: 3, why: 'set by RESCANVAS_WASM_THREADS=3' });
    expect(requestedWasmThreads(true, { RESCANVAS_WASM_THREADS: 'lots' })).toEqual({
      error: 'RESCANVAS_WASM_THREADS must be a whole number from 1 to 64, not "lots"',
    });
  });
});

describe('the kind of a design', () => {
  it('is conv exactly for the bundled examples with a convolution', () => {
    const kinds = Object.fromEntries(
      readdirSync(examples)
        .filter((f) => f.endsWith('.rescanvas.json'))
        .map((f) => [f, designKind(example(f))]),
    );
    expect(kinds['resnet-20-cifar.rescanvas.json']).toBe('conv');
    expect(kinds['residual-mlp-20.rescanvas.json']).toBe('dense');
    for (const [file, kind] of Object.entries(kinds)) expect(kind === 'conv', file).toBe(example(file).nodes.some((n) => n.type === 'Conv2D'));
    expect(Object.values(kinds)).toContain('dense');
  });

  it('is decided by any convolution layer', () => {
    expect(designConvolves({ nodes: [{ type: 'Input' }, { type: 'Conv2D' }, { type: 'Dense' }] })).toBe(true);
    expect(designConvolves({ nodes: [{ type: 'Input' }, { type: 'Dense' }, { type: 'Output' }] })).toBe(false);
  });
});
