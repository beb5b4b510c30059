/**
 * Decides where the desktop engine runs. A short-lived utility process (the engine entry in probe
 * mode) tries to load tfjs-node-gpu, then tfjs-node; main never loads them itself, so a native
 * library that crashes on load takes down only the probe.
 */
import type { EnginePlacement } from '../../src/protocol/enginePlacement';
import type { BackendName } from '../../src/schema/settings';

/** What the probe found for one native backend, best first. */
export type NativeProbe = { name: 'tensorflow-gpu' | 'tensorflow'; ok: true } | { name: 'tensorflow-gpu' | 'tensorflow'; ok: false; reason: string };

/** The best native backend that loaded, else the renderer's worker with the reasons none did. */
export function decidePlacement(probes: readonly NativeProbe[]): EnginePlacement {
  const loaded = probes.find((p) => p.ok);
  if (loaded) return { where: 'process', backend: loaded.name };
  return { where: 'renderer', skipped: probes.map((p) => ({ name: p.name as BackendName, reason: p.ok ? 'not tried' : p.reason })) };
}

/** A probe child as main sees it: its one message, or its exit without one. */
export interface ProbeChild {
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (exitCode: number) => void): void;
  kill(): void;
}

/** Loading tfjs-node-gpu can take a while (CUDA initialisation, PTX compilation on first use). */
export const PROBE_TIMEOUT_MS = 60_000;

function isProbeResult(message: unknown): message is { probe: NativeProbe[] } {
  if (typeof message !== 'object' || message === null || !Array.isArray((message as { probe?: unknown }).probe)) return false;
  return (message as { probe: unknown[] }).probe.every(
    (p) =>
      typeof p === 'object' &&
      p !== null &&
      ((p as NativeProbe).name === 'tensorflow-gpu' || (p as NativeProbe).name === 'tensorflow') &&
      ((p as NativeProbe).ok === true || typeof (p as { reason?: unknown }).reason === 'string'),
  );
}

/** Runs the probe and turns every way it can end (result, crash, silence) into probe results. */
export function probeNativeBackends(spawn: () => ProbeChild, timeoutMs = PROBE_TIMEOUT_MS): Promise<NativeProbe[]> {
  const failed = (reason: string): NativeProbe[] => [
    { name: 'tensorflow-gpu', ok: false, reason },
    { name: 'tensorflow', ok: false, reason },
  ];
  return new Promise((resolve) => {
    let settled = false;
    const child = spawn();
    const finish = (probes: NativeProbe[]) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(probes);
    };
    const timer = setTimeout(() => {
      child.kill();
      finish(failed(`loading tfjs-node did not finish within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    child.onMessage((message) => finish(isProbeResult(message) ? message.probe : failed('the native backend probe sent an unreadable answer')));
    child.onExit((exitCode) => finish(failed(`the native backend probe stopped (exit code ${exitCode}) before answering`)));
  });
}
