import { memo } from 'react';
import type { Design } from '../../src/graph/design';

const W = 120;
const H = 72;

/** A small drawing of a design: its nodes where the canvas puts them, edges as lines, skip edges dashed. */
function GraphSketchView({ design }: { design: Design }) {
  // Depth runs left to right (the canvas lays designs out top to bottom), each axis stretched to fit.
  const depth = design.nodes.map((n) => n.position.y);
  const side = design.nodes.map((n) => n.position.x);
  const [d0, d1, s0, s1] = [Math.min(...depth), Math.max(...depth), Math.min(...side), Math.max(...side)];
  const sx = (W - 12) / Math.max(1, d1 - d0);
  const sy = s1 > s0 ? (H - 24) / (s1 - s0) : 0;
  const at = new Map(design.nodes.map((n) => [n.id, { x: 6 + (n.position.y - d0) * sx, y: (sy ? 12 : H / 2) + (n.position.x - s0) * sy }]));
  const grouped = new Set(design.groups.flatMap((g) => g.nodeIds));
  return (
    <svg className="graph-sketch" width={W} height={H} viewBox={`0 0 ${W} ${H}`} aria-hidden="true">
      {design.edges.map((e) => {
        const a = at.get(e.source);
        const b = at.get(e.target);
        if (!a || !b) return null;
        const skip = Math.abs(a.x - b.x) > 1 && design.nodes.find((n) => n.id === e.target)?.type === 'Add';
        return <line key={e.id} x1={a.x} y1={a.y} x2={b.x} y2={b.y} className={skip ? 'sketch-skip' : 'sketch-edge'} />;
      })}
      {design.nodes.map((n) => {
        const p = at.get(n.id);
        return p ? (
          <circle
            key={n.id}
            cx={p.x}
            cy={p.y}
            r={grouped.has(n.id) ? 2.5 : 2}
            className={n.type === 'Add' ? 'sketch-add' : grouped.has(n.id) ? 'sketch-repeat' : 'sketch-node'}
          />
        ) : null;
      })}
    </svg>
  );
}

export const GraphSketch = memo(GraphSketchView);
