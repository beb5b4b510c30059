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

// Registered as a non-inheriting colour so that changing it restyles the one element it is set on.
if (typeof CSS !== 'undefined' && 'registerProperty' in CSS) {
  try {
    CSS.registerProperty({ name: '--stat-tint', syntax: '<color>', inherits: false, initialValue: 'transparent' });
  } catch {
    // Already registered (a hot reload): the registration is the same.
  }
}

function sparkPath(histogram: Float32Array): string {
  let max = 0;
  for (let i = 0; i < histogram.length; i++) if (histogram[i] > max) max = histogram[i];
  if (!(max > 0)) return '';
  let d = '';
  // Tenths of a pixel by rounding rather than toFixed: the same path, several times cheaper per frame.
  const scale = (SPARK_HEIGHT * 10) / max;
  for (let i = 0; i < histogram.length; i++) {
    const h = histogram[i] * scale;
    if (h > 0) d += `M${i * BAR_WIDTH + 1.5} ${SPARK_HEIGHT}v${-Math.max(8, Math.round(h)) / 10}`;
  }
  return d;
}

/** Rewrites an element's one text node in place: cheaper per frame than textContent, which replaces the node. */
function setText(el: HTMLElement, text: string): void {
  const node = el.firstChild;
  if (node instanceof Text && node === el.lastChild) node.nodeValue = text;
  else el.textContent = text;
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
    // The tint goes on the node's own box as a non-inherited property: set on the host (inherited),
    // every frame restyled each element inside every node.
    const box = el.closest<HTMLElement>('.layer-node, .group-node');
    // Each frame writes only what changed: a DOM write that repeats the old value still invalidates style.
    let last = { text: '', attr: null as string | null, tint: '', nonFinite: false, spark: null as Float32Array | null, sparkD: '', strip: '', flags: '' };
    const paint = (d: NodeDisplay | undefined, frame: FrameDisplay) => {
      const v = d?.value ?? NaN;
      const finite = Number.isFinite(v);
      const text = formatStat(v);
      const attr = finite ? String(v) : '';
      if (text !== last.text && value.current) setText(value.current, text);
      const tint = finite ? viridis(logPosition(v, frame.logMin, frame.logMax)) : 'transparent';
      const nonFinite = !!d?.nonFinite;
      // On the node element (ui-contract: data-stat-value); the badge itself shows the number as text.
      if (attr !== last.attr) host?.setAttribute('data-stat-value', attr);
      if (tint !== last.tint) box?.style.setProperty('--stat-tint', tint);
      if (nonFinite !== last.nonFinite) host?.classList.toggle('stat-nonfinite', nonFinite);
      const histogram = d && d.histogram.length ? d.histogram : null;
      // The same subarray means the same frame repainted (a mode change or a new subscriber).
      const sparkD = histogram === last.spark ? last.sparkD : histogram ? sparkPath(histogram) : '';
      if (sparkD !== last.sparkD) spark.current?.setAttribute('d', sparkD);
      const stripD = strip.current && d?.copies ? stripPath(d.copies, frame) : '';
      if (stripD !== last.strip) strip.current?.setAttribute('d', stripD);
      let flagText = '';
      if (d?.deadFraction !== null && d?.deadFraction !== undefined && d.deadFraction > 0.005) flagText = `${Math.round(d.deadFraction * 100)}% dead`;
      if (nonFinite) flagText += flagText ? ' · NaN/Inf' : 'NaN/Inf';
      if (flagText !== last.flags && flags.current) setText(flags.current, flagText);
      last = { text, attr, tint, nonFinite, spark: histogram, sparkD, strip: stripD, flags: flagText };
    };
    const unsubscribe = statsStore.subscribeNode(nodeId, paint);
    return () => {
      unsubscribe();
      if (host) {
        host.removeAttribute('data-stat-value');
        host.classList.remove('stat-nonfinite');
      }
      box?.style.removeProperty('--stat-tint');
    };
  }, [mode, nodeId]);

  const onClick = useCallback(
    (event: React.MouseEvent) => {
      event.stopPropagation();
      openHistogram(nodeId, (event.currentTarget as HTMLElement).getBoundingClientRect());
    },
    [nodeId],
  );

  if (mode === 'off') return null;
  const label = mode === 'forward' ? 'act std' : 'grad rms';
  return (
    <div ref={root} className={`overlay-badge nodrag${group ? ' overlay-badge-group' : ''}`} onClick={onClick} title="Click for the histograms over time">
      <span className="overlay-badge-label">{label}</span>
      <span ref={value} className="overlay-badge-value">
        —
      </span>
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
