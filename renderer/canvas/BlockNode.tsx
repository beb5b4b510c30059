import { memo, useCallback } from 'react';
import { Handle, type NodeProps } from '@xyflow/react';
import { SHORTCUT_HANDLE, sidesFor } from './geometry';
import type { BlockFlowNode } from './flowTypes';
import { foldAndLayout } from '../toolbar/commands';
import { BlockOverlay } from '../overlay/BlockOverlay';

/** A folded residual block: one node standing for the branch, the shortcut and the merge. */
function BlockNodeView({ data }: NodeProps<BlockFlowNode>) {
  const { block, layers, outShape, problem, badge } = data;
  const sides = sidesFor(data.direction);
  const unfold = useCallback(() => void foldAndLayout([block.id], false), [block.id]);
  return (
    <div className={`block-node${problem ? ` has-${problem.severity}` : ''}${data.inGroup ? ' in-group' : ''}`}>
      <Handle type="target" position={sides.input} aria-label={`${block.name} input`} />
      <Handle
        type="target"
        id={SHORTCUT_HANDLE}
        position={sides.shortcut}
        isConnectable={false}
        className="handle-shortcut"
        aria-label={`${block.name} shortcut input`}
      />
      <div className="block-node-head">
        <span className="block-node-name">{block.name}</span>
        {badge && (
          <span className="block-node-badge" title={`${badge.count} identical blocks share this badge`}>
            {badge.letter} ×{badge.count}
          </span>
        )}
        <button type="button" className="nodrag linklike" onClick={unfold} aria-label={`Unfold ${block.name}`}>
          Unfold
        </button>
      </div>
      <div className="block-node-contents" title={block.description}>
        {block.description}
      </div>
      <div className="block-node-foot">
        <span>{layers.length} layers</span>
        <span className="block-node-shape">{outShape ?? '—'}</span>
      </div>
      <BlockOverlay block={block} layers={layers} />
      {problem && (
        <span id={`problem-${block.id}`} className="layer-node-problem" title={problem.message}>
          <span aria-hidden="true">!</span>
          <span className="visually-hidden">{problem.message}</span>
        </span>
      )}
      <Handle type="source" position={sides.output} aria-label={`${block.name} output`} />
    </div>
  );
}

export const BlockNode = memo(BlockNodeView);
