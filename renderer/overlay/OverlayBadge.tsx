import { memo, useCallback, useEffect, useRef } from 'react';
import { useApp } from '../store/store';
import { statsStore } from './statsStore';
import { formatStat, type NodeDisplay, type FrameDisplay } from './display';
import { logPosition, viridis } from './colour';
import { openHistogram } from './histogramPopover';

const BAR_WIDTH = 3;
const SPARK_HEIGHT = 16;

/** Counts React renders of badges, so the benchmark can show a stats frame re-renders none. */
export const badgeRenders = { count: 0 };
if (typeof window !== 'undefined') (window as unknown as { __rescanvasBadgeRenders?: typeof badgeRenders }).__rescanvasBadgeRenders = badgeRenders;

function sparkPath(histogram: Float32Array): string {
  let max = 0;
  for (let i = 0; i < histogram.length; i++) if (histogram[i] > max) max = histogram[i];
  if (!(max > 0)) return '';
  let d = '';
  for (let i = 0; i < histogram.length; i++) {
    const h = (histogram[i] / max) * SPARK_HEIGHT;
    if (h > 0) d += `M${i * BAR_WIDTH + 1.5} ${SPARK_HEIGHT}v${-Math.max(0.8, h).toFixed(1)}`;
  }
  return d;
}

function stripPath(copies: Float32Array, frame: FrameDisplay): string {
  let d = '';
  const w = 120 / copies.length;
  for (let k = 0; k < copies.length; k++) {
    const t = logPosition(copies[k], frame.logMin, frame.logMax);
    d += `M${(k * w).toFixed(2)} 6v${(-Math.max(0.5, t * 6)).toFixed(2)}`;
  }
  return d;
}

/**
 * The overlay inside one canvas node: its latest statistic as text (and `data-stat-value` on the
 * node element), a tint on the log scale, a histogram sparkline, dead units and non-finite flags,
 * and for repeat groups a per-copy strip. It renders once per mode change; frames are painted
 * straight into the DOM from the stats store, so a frame re-renders no React component.
 */
function OverlayBadgeView({ nodeId, group = false }: { nodeId: string; group?: boolean }) {
  const mode = useApp((s) => s.overlayMode);
  const root = useRef<HTMLDivElement>(null);
  const value = useRef<HTMLSpanElement>(null);
  const spark = useRef<SVGPathElement>(null);
  const strip = useRef<SVGPathElement>(null);
  const flags = useRef<HTMLSpanElement>(null);
  badgeRenders.count++;

  useEffect(() => {
    const el = root.current;
    if (mode === 'off' || !el) return;
    const host = el.closest<HTMLElement>('.react-flow__node');
    let lastText = '';
    const paint = (d: NodeDisplay | undefined, frame: FrameDisplay) => {
      const v = d?.value ?? NaN;
      const text = formatStat(v);
      const attr = Number.isFinite(v) ? String(v) : '';
      if (text !== lastText && value.current) {
        value.current.textContent = text;
        lastText = text;
      }
      el.dataset.statValue = attr;
      const tint = Number.isFinite(v) ? viridis(logPosition(v, frame.logMin, frame.logMax)) : 'transparent';
      if (host) {
        host.dataset.statValue = attr;
        host.style.setProperty('--stat-tint', tint);
        host.classList.toggle('stat-nonfinite', !!d?.nonFinite);
      }
      spark.current?.setAttribute('d', d && d.histogram.length ? sparkPath(d.histogram) : '');
      if (strip.current) strip.current.setAttribute('d', d?.copies ? stripPath(d.copies, frame) : '');
      if (flags.current) {
        const parts: string[] = [];
        if (d?.deadFraction !== null && d?.deadFraction !== undefined && d.deadFraction > 0.005) parts.push(`${Math.round(d.deadFraction * 100)}% dead`);
        if (d?.nonFinite) parts.push('NaN/Inf');
        flags.current.textContent = parts.join(' · ');
      }
    };
    const unsubscribe = statsStore.subscribeNode(nodeId, paint);
    return () => {
      unsubscribe();
      if (host) {
        delete host.dataset.statValue;
        host.style.removeProperty('--stat-tint');
        host.classList.remove('stat-nonfinite');
      }
    };
  }, [mode, nodeId]);

  const onClick = useCallback((event: React.MouseEvent) => {
    event.stopPropagation();
    openHistogram(nodeId, (event.currentTarget as HTMLElement).getBoundingClientRect());
  }, [nodeId]);

  if (mode === 'off') return null;
  const label = mode === 'forward' ? 'act std' : 'grad rms';
  return (
    <div ref={root} className={`overlay-badge nodrag${group ? ' overlay-badge-group' : ''}`} onClick={onClick} title="Click for the histograms over time">
      <span className="overlay-badge-label">{label}</span>
      <span ref={value} className="overlay-badge-value">—</span>
      <svg className="overlay-spark" width={32 * BAR_WIDTH} height={SPARK_HEIGHT} aria-hidden="true">
        <path ref={spark} />
      </svg>
      {group && (
        <svg className="overlay-strip" width={120} height={6} viewBox="0 0 120 6" preserveAspectRatio="none" aria-hidden="true">
          <path ref={strip} />
        </svg>
      )}
      <span ref={flags} className="overlay-badge-flags" />
    </div>
  );
}

export const OverlayBadge = memo(OverlayBadgeView);
