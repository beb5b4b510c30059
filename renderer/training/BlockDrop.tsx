import { memo, useState } from 'react';
import { useApp } from '../store/store';
import type { RunRecord } from '../store/trainingSlice';
import { dropBlocks } from './controller';

type Result = NonNullable<RunRecord['blockDrop']>;
type Entry = Result['results'][number];

/** Where zero sits across the bar track: most drops cost accuracy, so the losing side gets more room. */
const ZERO_AT = 0.7;

const setKey = (ids: readonly string[]) => ids.join('+');

/** Accuracy change in percentage points. */
function points(delta: number): string {
  const p = delta * 100;
  return `${p > 0 ? '+' : p < 0 ? '−' : ''}${Math.abs(p).toFixed(1)} pts`;
}

/** One bar of the diverging chart: left of zero for an accuracy loss, right for a gain. */
function Bar({ delta, scale }: { delta: number; scale: number }) {
  const share = Math.min(1, Math.abs(delta) / scale);
  const style =
    delta < 0
      ? { right: `${(1 - ZERO_AT) * 100}%`, width: `${share * ZERO_AT * 100}%` }
      : { left: `${ZERO_AT * 100}%`, width: `${share * (1 - ZERO_AT) * 100}%` };
  return (
    <span className="block-drop-track" aria-hidden="true">
      <span className={`block-drop-bar${delta < 0 ? ' loss' : ''}`} style={style} />
      <span className="block-drop-zero" style={{ left: `${ZERO_AT * 100}%` }} />
    </span>
  );
}

function Row({ entry, baseline, scale, children }: { entry: Entry; baseline: number; scale: number; children: React.ReactNode }) {
  const delta = entry.accuracy - baseline;
  return (
    <li className={`block-drop-row${entry.dropped.length > 1 ? ' combined' : ''}`} data-dropped={setKey(entry.dropped)} data-accuracy={entry.accuracy}>
      {children}
      <Bar delta={delta} scale={scale} />
      <span className="block-drop-value" title={`accuracy ${(entry.accuracy * 100).toFixed(1)}% with ${entry.dropped.join(' + ')} dropped`}>
        {points(delta)} <span className="muted">{(entry.accuracy * 100).toFixed(1)}%</span>
      </span>
    </li>
  );
}

/**
 * Block-drop experiment (Veit et al. 2016): the accuracy change when residual blocks' branches are
 * zeroed, without retraining — each block alone, and any set of blocks chosen together. Residual
 * networks degrade gracefully — most blocks cost little, and a few together cost about the sum —
 * while dropping a layer of a plain network breaks it.
 */
function BlockDropView() {
  const phase = useApp((s) => s.runPhase);
  const pending = useApp((s) => s.blockDropPending);
  const run = useApp((s) => s.runs.find((r) => r.id === s.activeRunId) ?? null);
  // The selection belongs to the run it was made on; another run starts with none.
  const [selection, setSelection] = useState<{ runId: string | null; ids: string[] }>({ runId: null, ids: [] });
  const result = run?.blockDrop ?? null;

  if (!run)
    return <p className="muted small">Train first; then drop residual blocks, one at a time or several together, to see which ones the network relies on.</p>;
  const done = phase === 'idle';
  const singles = result ? result.results.filter((r) => r.dropped.length === 1) : [];
  const combined = result ? result.results.filter((r) => r.dropped.length > 1) : [];
  const selected = selection.runId === run.id ? selection.ids.filter((id) => singles.some((s) => s.dropped[0] === id)) : [];
  const toggle = (id: string, on: boolean) => {
    const next = on ? [...selected, id] : selected.filter((s) => s !== id);
    // Kept in block order, so the same set reads the same however it was ticked.
    const order = singles.map((s) => s.dropped[0]);
    setSelection({ runId: run.id, ids: order.filter((b) => next.includes(b)) });
  };
  const dropTogether = () => {
    // The engine answers with exactly the sets asked for: the single blocks and earlier sets are
    // asked again so the chart keeps them beside the new set.
    const key = setKey(selected);
    dropBlocks([...singles.map((s) => s.dropped), ...combined.map((c) => c.dropped).filter((d) => setKey(d) !== key), selected]);
  };

  const entries = result ? [...singles, ...combined] : [];
  const baseline = result?.baseline.accuracy ?? 0;
  const scale = Math.max(0.01, ...entries.map((r) => Math.abs(r.accuracy - baseline)));
  const worst = Math.min(0, ...entries.map((r) => r.accuracy - baseline));
  return (
    <div className="block-drop">
      <div className="train-buttons">
        <button type="button" onClick={() => dropBlocks()} disabled={!done || pending}>
          {pending ? 'Evaluating…' : 'Drop each block'}
        </button>
        {singles.length > 1 && (
          <button type="button" onClick={dropTogether} disabled={!done || pending || selected.length < 2} title="Tick two or more blocks below">
            Drop selected together
          </button>
        )}
      </div>
      {result && result.results.length === 0 && <p className="muted small">This design has no residual block (an Add with a branch) to drop.</p>}
      {result && entries.length > 0 && (
        <figure aria-label="Block-drop accuracy change">
          <figcaption>
            Validation accuracy change per dropped block (baseline {(baseline * 100).toFixed(1)}%; worst {(worst * 100).toFixed(1)} points)
          </figcaption>
          {singles.length > 1 && <p className="muted small">Tick blocks to drop them together.</p>}
          <ul className="block-drop-rows" aria-label="Dropped blocks">
            {singles.map((entry) => {
              const id = entry.dropped[0];
              return (
                <Row key={id} entry={entry} baseline={baseline} scale={scale}>
                  <label className="block-drop-label" title={id}>
                    <input
                      type="checkbox"
                      checked={selected.includes(id)}
                      onChange={(e) => toggle(id, e.currentTarget.checked)}
                      disabled={singles.length < 2}
                    />
                    <span>{id}</span>
                  </label>
                </Row>
              );
            })}
            {combined.map((entry) => (
              <Row key={setKey(entry.dropped)} entry={entry} baseline={baseline} scale={scale}>
                <span className="block-drop-label" title={entry.dropped.join(' + ')}>
                  {entry.dropped.join(' + ')}
                </span>
              </Row>
            ))}
          </ul>
        </figure>
      )}
    </div>
  );
}

export const BlockDrop = memo(BlockDropView);
