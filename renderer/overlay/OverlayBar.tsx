import { memo, useCallback, useEffect, useRef } from 'react';
import { appStore, useApp } from '../store/store';
import type { OverlayMode } from '../store/trainingSlice';
import { statsStore } from './statsStore';
import { formatStat } from './display';
import { viridis } from './colour';
import { HistogramPopover } from './HistogramPopover';
import { OVERLAY_ARROWS } from './arrows';
import { openRunLogAsked } from '../replay/replayRunLog';
import './overlay.css';

const MODES: { value: OverlayMode; label: string }[] = [
  { value: 'off', label: 'Off' },
  { value: 'forward', label: 'Forward' },
  { value: 'backward', label: 'Backward' },
];

const GRADIENT = `linear-gradient(to right, ${Array.from({ length: 9 }, (_, i) => viridis(i / 8)).join(', ')})`;

/** The log colour legend; its labels follow each painted frame. */
function Legend({ mode }: { mode: OverlayMode }) {
  const lo = useRef<HTMLSpanElement>(null);
  const hi = useRef<HTMLSpanElement>(null);
  useEffect(
    () =>
      statsStore.subscribe(() => {
        const d = statsStore.display();
        if (lo.current) lo.current.textContent = d ? formatStat(10 ** d.logMin) : '—';
        if (hi.current) hi.current.textContent = d ? formatStat(10 ** d.logMax) : '—';
      }),
    [],
  );
  return (
    <div className="overlay-legend" aria-label="Overlay colour scale">
      {/* The nodes' own statistic labels, short so the bar stays on one line at 1400 px. */}
      <span className="muted" title={mode === 'forward' ? 'activation standard deviation, log scale' : 'gradient RMS, log scale'}>
        {mode === 'forward' ? 'act std' : 'grad RMS'} (log)
      </span>
      <span ref={lo}>—</span>
      <span className="overlay-legend-bar" style={{ backgroundImage: GRADIENT }} />
      <span ref={hi}>—</span>
    </div>
  );
}

/**
 * Scrubs back through recorded frames; "Live" follows the newest (for a replayed run log, "End"
 * shows its last frame). Written to from the stats store.
 */
function Timeline() {
  const slider = useRef<HTMLInputElement>(null);
  const label = useRef<HTMLSpanElement>(null);
  const latest = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const update = () => {
      const s = slider.current;
      if (!s) return;
      const count = statsStore.frameCount;
      s.max = String(Math.max(0, count - 1));
      const cursor = statsStore.cursorIndex;
      if (cursor === null) s.value = s.max;
      const f = statsStore.current();
      const replay = statsStore.replay;
      // Following the live run is shown by the Live button itself (bold), which leaves the label room.
      const where = replay ? `replay ${replay.name} · ` : cursor === null ? '' : 'recorded · ';
      const text = f ? `${where}step ${f.step} · epoch ${f.epoch}` : 'no frames yet';
      if (label.current && label.current.textContent !== text) {
        label.current.textContent = text;
        // A long log name is cut off by the bar's width; the tooltip keeps it whole.
        label.current.title = text;
      }
      if (latest.current) {
        latest.current.textContent = replay ? 'End' : 'Live';
        latest.current.classList.toggle('following', cursor === null);
      }
    };
    update();
    return statsStore.subscribe(update);
  }, []);
  const onInput = useCallback((e: React.FormEvent<HTMLInputElement>) => {
    const v = Number(e.currentTarget.value);
    statsStore.scrubTo(v >= statsStore.frameCount - 1 ? null : v);
  }, []);
  return (
    <div className="overlay-timeline">
      <input ref={slider} type="range" min={0} max={0} step={1} defaultValue={0} aria-label="Timeline" onInput={onInput} />
      <button ref={latest} type="button" className="linklike" onClick={() => statsStore.scrubTo(null)}>
        Live
      </button>
      <span ref={label} className="muted">
        no frames yet
      </span>
    </div>
  );
}

/** The Overlay radio group floating over the canvas, with legend and timeline when on. */
function OverlayBarView() {
  const mode = useApp((s) => s.overlayMode);
  useEffect(() => {
    document.documentElement.dataset.overlay = mode;
    statsStore.setMode(mode);
  }, [mode]);
  return (
    <div className="overlay-bar">
      <div role="radiogroup" aria-label="Overlay" className="overlay-modes">
        <span className="overlay-title">Overlay</span>
        {MODES.map((m) => (
          <label key={m.value} className={mode === m.value ? 'active' : undefined}>
            <input type="radio" name="overlay-mode" value={m.value} checked={mode === m.value} onChange={() => appStore.getState().setOverlayMode(m.value)} />
            {m.label}
          </label>
        ))}
      </div>
      {mode !== 'off' && <Legend mode={mode} />}
      {mode !== 'off' && <Timeline />}
      <button
        type="button"
        className="linklike overlay-open-log"
        onClick={() => void openRunLogAsked()}
        title="Replay a run log from rescanvas train --log or an exported PyTorch package"
      >
        Open run log…
      </button>
      <svg width="0" height="0" className="overlay-defs" aria-hidden="true">
        <defs>
          {OVERLAY_ARROWS.map((a) => (
            <marker
              key={a.id}
              id={a.id}
              viewBox="0 0 10 10"
              refX="2"
              refY="5"
              markerWidth={a.size}
              markerHeight={a.size}
              orient="auto-start-reverse"
              markerUnits="userSpaceOnUse"
            >
              <path d="M 0 0 L 10 5 L 0 10 z" className="overlay-arrow" />
            </marker>
          ))}
        </defs>
      </svg>
      <HistogramPopover />
    </div>
  );
}

export const OverlayBar = memo(OverlayBarView);
