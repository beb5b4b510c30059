import { memo, useCallback, type ReactNode } from 'react';
import { foldAndLayout } from '../toolbar/commands';
import { Handle, type NodeProps } from '@xyflow/react';
import { sidesFor } from './geometry';
import { layerKind } from '../../src/graph/catalogue';
import type { LayerFlowNode } from './flowTypes';
// Training overlay (issue 7): paints itself from the stats store, so frames never re-render this node.
import { OverlayBadge } from '../overlay/OverlayBadge';

/**
 * A name with line-break opportunities after its separators (`batchnorm_` / `12`), so where the name
 * face wraps a long name it breaks between words, never inside one, and the index stays whole.
 */
function breakableName(name: string): ReactNode[] {
  return name.split(/(?<=[_\-./: ])/).flatMap((part, i) => (i === 0 ? [part] : [<wbr key={i} />, part]));
}

function formatCount(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)} k` : String(n);
}

/** One component for every layer kind: the catalogue supplies the summary, so a new kind needs no new component. */
function LayerNodeView({ id, data }: NodeProps<LayerFlowNode>) {
  const { node, shape, paramCount, problem } = data;
  const kind = layerKind(node.type);
  const sides = sidesFor(data.direction);
  const summary = kind.summary(node.params as never);
  const multi = kind.inputs.max > 1;
  const block = data.mergesBlock;
  const fold = useCallback(() => {
    if (block) void foldAndLayout([block], true);
  }, [block]);
  return (
    <div
      className={`layer-node kind-${kind.category.replace(/\W+/g, '-').toLowerCase()}${problem ? ` has-${problem.severity}` : ''}${data.inGroup ? ' in-group' : ''}`}
    >
      {kind.inputs.max > 0 && <Handle type="target" position={sides.input} className={multi ? 'handle-multi' : undefined} aria-label={`${node.id} input`} />}
      <div className="layer-node-head">
        <span className="layer-node-type">{node.type}</span>
        <span className="layer-node-name" title={node.name ?? node.id}>
          {breakableName(node.name ?? node.id)}
        </span>
        {block && (
          <button
            type="button"
            className="nodrag linklike layer-node-fold"
            onClick={fold}
            aria-label={`Fold block ${block}`}
            title="Fold this residual block into one node"
          >
            Fold
          </button>
        )}
      </div>
      <div className="layer-node-body">
        <span className="layer-node-summary">{summary}</span>
        <span className="layer-node-shape">{shape ?? '—'}</span>
        {paramCount !== null && paramCount > 0 && <span className="layer-node-params">{formatCount(paramCount)} params</span>}
      </div>
      <OverlayBadge nodeId={id} />
      {problem && (
        <span id={`problem-${id}`} className="layer-node-problem" title={problem.message}>
          <span aria-hidden="true">!</span>
          <span className="visually-hidden">{problem.message}</span>
        </span>
      )}
      {node.type !== 'Output' && <Handle type="source" position={sides.output} aria-label={`${node.id} output`} />}
    </div>
  );
}

export const LayerNode = memo(LayerNodeView);
