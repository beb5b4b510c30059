import { memo, useEffect, useRef } from 'react';
import { useApp } from '../store/store';
import { statsStore } from './statsStore';
import { formatStat, type FrameDisplay, type NodeDisplay } from './display';
import { logPosition, viridis } from './colour';
import type { ResidualBlock } from '../../src/graph/blocks';
import { hoverNode } from './linking';

const CELL_GAP = 1;

/**
 * The overlay on a folded residual block: its output's statistic (as `data-stat-value`, the text and
 * the tint), a strip with one cell per layer inside coloured on the overlay's scale, and in Backward
 * the gradient norm reaching the block's input through the shortcut and through the branch. Painted
 * from the stats store like every node badge: a frame re-renders no React component.
 */
function BlockOverlayView({ block, layers }: { block: ResidualBlock; layers: readonly { id: string; type: string }[] }) {
  const mode = useApp((s) => s.overlayMode);
  const root = useRef<HTMLDivElement>(null);
  const value = useRef<HTMLSpanElement>(null);
  const norms = useRef<HTMLSpanElement>(null);
  const cells = useRef<(SVGRectElement | null)[]>([]);

  useEffect(() => {
    const el = root.current;
    if (mode === 'off' || !el) return;
    const host = el.closest<HTMLElement>('.react-flow__node');
    const box = el.closest<HTMLElement>('.block-node');
    let last = {
      text: '',
      attr: null as string | null,
      tint: '',
      fills: [] as string[],
      short: null as string | null,
      branch: null as string | null,
      normText: '',
    };
    const paint = (d: NodeDisplay | undefined, frame: FrameDisplay) => {
      const v = d?.value ?? NaN;
      const finite = Number.isFinite(v);
      const attr = finite ? String(v) : '';
      const text = formatStat(v);
      const tint = finite ? viridis(logPosition(v, frame.logMin, frame.logMax)) : 'transparent';
      if (attr !== last.attr) host?.setAttribute('data-stat-value', attr);
      if (text !== last.text && value.current) value.current.textContent = text;
      if (tint !== last.tint) box?.style.setProperty('--stat-tint', tint);
      const fills = layers.map((l) => {
        const x = frame.nodes.get(l.id)?.value ?? NaN;
        return Number.isFinite(x) ? viridis(logPosition(x, frame.logMin, frame.logMax)) : 'transparent';
      });
      fills.forEach((f, i) => {
        if (f !== last.fills[i]) cells.current[i]?.setAttribute('fill', f);
      });
      let short: string | null = null;
      let branch: string | null = null;
      let normText = '';
      if (frame.mode === 'backward') {
        const s = frame.edges.get(block.shortcutEdge) ?? NaN;
        const b = frame.edges.get(block.branchEdge) ?? NaN;
        short = Number.isFinite(s) ? String(s) : '';
        branch = Number.isFinite(b) ? String(b) : '';
        normText = `shortcut ${formatStat(s)} · branch ${formatStat(b)}`;
      }
      if (short !== last.short) {
        if (short === null) host?.removeAttribute('data-shortcut-grad-norm');
        else host?.setAttribute('data-shortcut-grad-norm', short);
      }
      if (branch !== last.branch) {
        if (branch === null) host?.removeAttribute('data-branch-grad-norm');
        else host?.setAttribute('data-branch-grad-norm', branch);
      }
      if (normText !== last.normText && norms.current) norms.current.textContent = normText;
      last = { text, attr, tint, fills, short, branch, normText };
    };
    const unsubscribe = statsStore.subscribeNode(block.exit, paint);
    return () => {
      unsubscribe();
      host?.removeAttribute('data-stat-value');
      host?.removeAttribute('data-shortcut-grad-norm');
      host?.removeAttribute('data-branch-grad-norm');
      box?.style.removeProperty('--stat-tint');
    };
  }, [mode, block, layers]);

  if (mode === 'off') return null;
  const width = 100 / layers.length;
  return (
    <div ref={root} className="block-overlay">
      <span className="overlay-badge-label">{mode === 'forward' ? 'act std' : 'grad rms'}</span>
      <span ref={value} className="overlay-badge-value">
        —
      </span>
      <svg className="block-strip nodrag" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label={`${layers.length} layers inside`}>
        {layers.map((l, i) => (
          <rect
            key={l.id}
            ref={(r) => {
              cells.current[i] = r;
            }}
            x={i * width}
            y={0}
            width={Math.max(0.5, width - CELL_GAP)}
            height={10}
            fill="transparent"
            onMouseEnter={() => hoverNode(l.id)}
            onMouseLeave={() => hoverNode(null)}
          >
            <title>{`${l.type} ${l.id}`}</title>
          </rect>
        ))}
      </svg>
      <span ref={norms} className="block-norms" />
    </div>
  );
}

export const BlockOverlay = memo(BlockOverlayView);
