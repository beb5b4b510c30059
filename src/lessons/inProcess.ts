import type * as tfNamespace from '@tensorflow/tfjs';
import { inProcessEngine } from '../engine/inProcess';
import type { BackendReport } from '../protocol/messages';
import { ProtocolLessonEngine } from './protocolEngine';

/**
 * Lessons on an EngineSession in this process (the CLI, tests), spoken to through the protocol as
 * the UI speaks to its worker. Every step's progress and frame is delivered: lessons measure from
 * them, and nothing here can fall behind the engine.
 */
export function inProcessLessonEngine(tf: typeof tfNamespace, backend: BackendReport): ProtocolLessonEngine {
  const engine = inProcessEngine(tf, { backend, statsMaxInFlight: Infinity, statsIntervalMs: 0, progressIntervalMs: 0 });
  return new ProtocolLessonEngine(engine.link, () => engine.session.dispose());
}
