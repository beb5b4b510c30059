import type { BackendName } from '../../schema/settings';
import type { BackendReport } from '../../protocol/messages';

/** One backend the host can offer, best first. `activate` makes it tf.js's backend or says why not. */
export interface BackendCandidate {
  name: BackendName;
  activate(): Promise<{ ok: true; detail: string } | { ok: false; reason: string }>;
}

export class BackendUnavailableError extends Error {
  constructor(readonly report: { name: BackendName; reason: string }[]) {
    super(`no tf.js backend could start: ${report.map((r) => `${r.name}: ${r.reason}`).join('; ')}`);
    this.name = 'BackendUnavailableError';
  }
}

/**
 * Tries the host's candidates in order and keeps the first that starts, recording why each better
 * one was not used. `force` tries only that backend and fails loudly if it cannot start: a forced
 * setting never silently falls back, so a benchmark or bug report names the backend that ran.
 */
export async function selectBackend(candidates: readonly BackendCandidate[], force?: BackendName): Promise<BackendReport> {
  const skipped: { name: BackendName; reason: string }[] = [];
  const tried = force ? candidates.filter((c) => c.name === force) : candidates;
  if (force && tried.length === 0)
    throw new BackendUnavailableError([{ name: force, reason: `not offered by this host (offered: ${candidates.map((c) => c.name).join(', ')})` }]);
  for (const candidate of tried) {
    let outcome: Awaited<ReturnType<BackendCandidate['activate']>>;
    try {
      outcome = await candidate.activate();
    } catch (error) {
      outcome = { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
    if (outcome.ok) return { active: candidate.name, detail: outcome.detail, skipped, forced: force !== undefined };
    skipped.push({ name: candidate.name, reason: outcome.reason });
  }
  throw new BackendUnavailableError(skipped);
}

/** "wasm (SIMD on, threads off); not used: tensorflow-gpu — … ; tensorflow — …" */
export function describeBackend(report: BackendReport): string {
  const why = report.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  return `${report.active}${report.detail ? ` (${report.detail})` : ''}${report.forced ? ', forced by setting' : ''}${why ? `; not used: ${why}` : ''}`;
}
