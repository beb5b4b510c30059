import { memo, useEffect, useRef } from 'react';
import { ViewportPortal } from '@xyflow/react';
import { statsStore } from '../overlay/statsStore';
import { logPosition, viridis } from '../overlay/colour';
import type { CompactBox } from './compactGeometry';

interface Painted {
  attr: string | null;
  tint: string;
  nonFinite: boolean;
  shortcut: string | null;
  branch: string | null;
}

function setOrRemove(el: HTMLElement, name: string, value: string | null): void {
  if (value === null) el.removeAttribute(name);
  else el.setAttribute(name, value);
}

/**
 * A large network on its compact face, drawn outside React Flow's per-node components: plain boxes
 * (each keeping its node's `aria-label`, `data-id` and, with the overlay on, `data-stat-value`) and
 * one path for every edge, inside React Flow's viewport. Panning moves the viewport only: nothing
 * here renders or is re-laid out per frame. Stats frames paint the boxes' colours straight into the
 * DOM, like the full faces' badges.
 */
function CompactLayerView({ boxes, edges, selected }: { boxes: readonly CompactBox[]; edges: { d: string; count: number }; selected: ReadonlySet<string> }) {
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = root.current;
    if (!el) return;
    const items = [...el.querySelectorAll<HTMLElement>('.compact-node')];
    const last: Painted[] = boxes.map(() => ({ attr: null, tint: '', nonFinite: false, shortcut: null, branch: null }));
    const paint = () => {
      const frame = statsStore.display();
      for (let i = 0; i < boxes.length; i++) {
        const b = boxes[i];
        const item = items[i];
        if (!item || !b.statId) continue;
        const d = frame ? frame.nodes.get(b.statId) : undefined;
        const v = d?.value ?? NaN;
        const finite = Number.isFinite(v);
        const next: Painted = {
          attr: frame ? (finite ? String(v) : '') : null,
          tint: frame && finite ? viridis(logPosition(v, frame.logMin, frame.logMax)) : '',
          nonFinite: !!d?.nonFinite,
          shortcut: null,
          branch: null,
        };
        if (frame?.mode === 'backward' && b.blockEdges) {
          const s = frame.edges.get(b.blockEdges.shortcut) ?? NaN;
          const br = frame.edges.get(b.blockEdges.branch) ?? NaN;
          next.shortcut = Number.isFinite(s) ? String(s) : '';
          next.branch = Number.isFinite(br) ? String(br) : '';
        }
        const was = last[i];
        // Only what changed is written: a repeated write still invalidates the element's style.
        if (next.attr !== was.attr) setOrRemove(item, 'data-stat-value', next.attr);
        if (next.tint !== was.tint) item.style.backgroundColor = next.tint;
        if (next.nonFinite !== was.nonFinite) item.classList.toggle('stat-nonfinite', next.nonFinite);
        if (next.shortcut !== was.shortcut) setOrRemove(item, 'data-shortcut-grad-norm', next.shortcut);
        if (next.branch !== was.branch) setOrRemove(item, 'data-branch-grad-norm', next.branch);
        last[i] = next;
      }
    };
    paint();
    return statsStore.subscribe(paint);
  }, [boxes]);

  return (
    <ViewportPortal>
      <div ref={root} className="compact-layer" data-drawn-nodes={boxes.length} data-drawn-edges={edges.count}>
        <svg className="compact-edges" width={1} height={1} aria-hidden="true">
          <path d={edges.d} />
        </svg>
        {boxes.map((b) => (
          <div
            key={b.id}
            role="group"
            aria-label={b.label}
            data-id={b.id}
            className={`compact-node ${b.family}${selected.has(b.id) ? ' selected' : ''}`}
            style={{ left: b.x, top: b.y, width: b.width, height: b.height }}
          />
        ))}
      </div>
    </ViewportPortal>
  );
}

export const CompactLayer = memo(CompactLayerView);
