/**
 * Where the desktop app runs its training engine, decided by main before the window opens: in its
 * own process when tfjs-node(-gpu) loads there, otherwise in the renderer's Web Worker (WebGPU →
 * WebGL → threaded wasm), never on single-threaded wasm in Node. Main hands the decision to the
 * sandboxed preload as a command-line argument of the renderer process; the page validates it.
 */
import { z } from 'zod';
import { BackendAttempt } from './messages';

export const EnginePlacement = z.discriminatedUnion('where', [
  z.strictObject({ where: z.literal('process'), backend: z.enum(['tensorflow-gpu', 'tensorflow']) }),
  /** `skipped`: why the native backends were not used, shown first among the worker's "not used". */
  z.strictObject({ where: z.literal('renderer'), skipped: z.array(BackendAttempt).max(4) }),
]);
export type EnginePlacement = z.infer<typeof EnginePlacement>;

export const ENGINE_PLACEMENT_ARGUMENT = '--rescanvas-engine-placement=' as const;

export function placementArgument(placement: EnginePlacement): string {
  return `${ENGINE_PLACEMENT_ARGUMENT}${encodeURIComponent(JSON.stringify(placement))}`;
}

/** The raw argument's value from a process's argv (null when absent), still to be parsed. */
export function placementFromArgv(argv: readonly string[]): string | null {
  const argument = argv.find((a) => a.startsWith(ENGINE_PLACEMENT_ARGUMENT));
  return argument === undefined ? null : argument.slice(ENGINE_PLACEMENT_ARGUMENT.length);
}

/** Null when main said nothing (an older main, a test host): the engine then stays where it was. */
export function parsePlacement(raw: string | null | undefined): { ok: true; placement: EnginePlacement | null } | { ok: false; error: string } {
  if (raw === null || raw === undefined) return { ok: true, placement: null };
  let value: unknown;
  try {
    value = JSON.parse(decodeURIComponent(raw));
  } catch {
    return { ok: false, error: 'the desktop shell sent an unreadable engine placement' };
  }
  const parsed = EnginePlacement.safeParse(value);
  return parsed.success
    ? { ok: true, placement: parsed.data }
    : {
        ok: false,
        error: `the desktop shell sent an invalid engine placement: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`,
      };
}
