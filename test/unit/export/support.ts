import * as tf from '@tensorflow/tfjs';
import type { ExportBundle } from '../../../src/export';

export { tf };

/** The wasm backend when it starts (fast convolutions for ResNet-20), else the CPU backend. */
export async function startBackend(): Promise<string> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) return 'wasm';
  } catch {
    // fall through to cpu
  }
  await tf.setBackend('cpu');
  return 'cpu';
}

export function file(bundle: ExportBundle, name: string): Uint8Array | string {
  const f = bundle.files.find((x) => x.name === name);
  if (!f) throw new Error(`bundle has no ${name}: ${bundle.files.map((x) => x.name).join(', ')}`);
  return f.data;
}

export const text = (data: Uint8Array | string): string => (typeof data === 'string' ? data : new TextDecoder().decode(data));
export const bytes = (data: Uint8Array | string): Uint8Array => (typeof data === 'string' ? new TextEncoder().encode(data) : data);

/** Copies the bytes into a fresh ArrayBuffer as tf.js' loaders expect. */
export function arrayBuffer(data: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(data.byteLength);
  new Uint8Array(out).set(data);
  return out;
}

/** Deterministic inputs, so a failure can be replayed. */
export function inputs(shape: number[], seed = 1): tf.Tensor {
  let s = seed >>> 0;
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[i] = (s / 4294967296) * 2 - 1;
  }
  return tf.tensor(values, shape);
}

export function maxAbsDiff(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
