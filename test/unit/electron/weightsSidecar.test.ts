import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSidecarBeside } from '../../../electron/files/weightsSidecar';
import { encodeWeightsSidecar, unpackWeights, type NamedWeights } from '../../../src/schema/weights';
import { OpenedWeights } from '../../../src/protocol/ipc';

const weights: NamedWeights = new Map([
  ['dense_1/kernel', { shape: [2, 3], dtype: 'float32' as const, data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
  ['dense_1/bias', { shape: [3], dtype: 'float32' as const, data: Float32Array.from([-1, 0, 1]) }],
]);

/** A folder holding net.rescanvas.json and, unless told otherwise, its sidecar as `rescanvas import` writes it. */
function folder(withSidecar = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'rescanvas-sidecar-'));
  writeFileSync(join(dir, 'net.rescanvas.json'), '{}');
  if (withSidecar) {
    const sidecar = encodeWeightsSidecar(weights, 'net.weights.bin', 'test');
    writeFileSync(join(dir, 'net.weights.json'), sidecar.manifest);
    writeFileSync(join(dir, 'net.weights.bin'), sidecar.bin);
  }
  return dir;
}

describe('readSidecarBeside', () => {
  it('reads the weights beside a design, in the shape the IPC schema accepts, values intact', async () => {
    const read = await readSidecarBeside(join(folder(), 'net.rescanvas.json'));
    expect(read.weightsProblem).toBeUndefined();
    const wire = OpenedWeights.parse(read.weights);
    expect(wire.file).toBe('net.weights.json');
    const back = unpackWeights(wire.specs, wire.data);
    expect([...(back.get('dense_1/kernel')?.data ?? [])]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...(back.get('dense_1/bias')?.data ?? [])]).toEqual([-1, 0, 1]);
  });

  it('says nothing when there is no sidecar', async () => {
    expect(await readSidecarBeside(join(folder(false), 'net.rescanvas.json'))).toEqual({});
  });

  it('names a truncated weights file and a foreign manifest, without failing the open', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'net.weights.bin'), new Uint8Array(4));
    expect((await readSidecarBeside(join(dir, 'net.rescanvas.json'))).weightsProblem).toMatch(
      /net\.weights\.bin: 4 bytes, but the manifest describes 36 bytes/,
    );
    writeFileSync(join(dir, 'net.weights.json'), '{"format": "something else"}');
    expect((await readSidecarBeside(join(dir, 'net.rescanvas.json'))).weightsProblem).toMatch(/net\.weights\.json is not a readable rescanvas\.weights file/);
  });

  it('does not follow a manifest out of the design folder', async () => {
    const dir = folder();
    writeFileSync(
      join(dir, 'net.weights.json'),
      JSON.stringify({ format: 'rescanvas.weights', version: 1, weightsManifest: [{ paths: ['../secret.bin'], weights: [] }] }),
    );
    expect((await readSidecarBeside(join(dir, 'net.rescanvas.json'))).weightsProblem).toMatch(/leaves the model folder/);
  });
});
