/**
 * The trained weights of the engine's current model, asked for over the engine protocol
 * (`exportWeights` → `weights`), as the exporters take them: by tf.js weight name.
 */
import type { NamedWeights, WeightArray } from '../../src/schema/weights';
import type { FromEngineOf } from '../../src/protocol/messages';
import { request, type EngineLink } from '../../src/protocol/request';

type WeightsMessage = Pick<FromEngineOf<'weights'>, 'weightSpecs' | 'weightData'>;

/** Splits the engine's concatenated little-endian buffer into float32 arrays; throws on any other dtype or a short buffer. */
export function decodeEngineWeights(message: WeightsMessage): NamedWeights {
  const out = new Map<string, WeightArray>();
  const bytes = message.weightData;
  let offset = 0;
  for (const spec of message.weightSpecs) {
    if (spec.dtype !== 'float32') throw new Error(`weight "${spec.name}" is ${spec.dtype}; only float32 weights can be exported`);
    const count = spec.shape.reduce((n, d) => n * d, 1);
    const end = offset + count * 4;
    if (end > bytes.byteLength) throw new Error(`the engine's weights end early: "${spec.name}" needs bytes ${offset}–${end} of ${bytes.byteLength}`);
    // Copied so the values are aligned and do not keep the whole message buffer alive.
    const data = new Float32Array(bytes.slice(offset, end).buffer);
    out.set(spec.name, { shape: [...spec.shape], dtype: 'float32', data });
    offset = end;
  }
  return out;
}

/**
 * Asks the engine for its model's weights; null when it has none (no run since it started), does not
 * answer within `timeoutMs`, or sends something unreadable. The caller then exports without weights.
 */
export async function requestEngineWeights(engine: EngineLink, timeoutMs = 20_000): Promise<NamedWeights | null> {
  try {
    return decodeEngineWeights(await request(engine, { type: 'exportWeights' }, { timeoutMs }));
  } catch {
    return null;
  }
}
