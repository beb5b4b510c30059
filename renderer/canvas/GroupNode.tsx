import { memo, useCallback } from 'react';
import { Handle, type NodeProps } from '@xyflow/react';
import { sidesFor } from './geometry';
import type { GroupFlowNode, GroupFrameFlowNode } from './flowTypes';
import { appStore } from '../store/store';
// Training overlay (issue 7): the group's aggregated stats and per-copy strip.
import { OverlayBadge } from '../overlay/OverlayBadge';

function useToggle(groupId: string, collapsed: boolean) {
  return useCallback(() => appStore.getState().setGroup(groupId, { collapsed }), [groupId, collapsed]);
}

/** A collapsed repeat block: one node standing for `repeat` copies of its members. */
function GroupNodeView({ id, data }: NodeProps<GroupFlowNode>) {
  const { group, contents, inShape, outShape, problem } = data;
  const expand = useToggle(group.id, false);
  const sides = sidesFor(data.direction);
  return (
    <div className={`group-node${problem ? ` has-${problem.severity}` : ''}`}>
      <Handle type="target" position={sides.input} aria-label={`${group.id} input`} />
      <div className="group-node-head">
        <span className="group-node-title">{group.name ?? group.id}</span>
        <span className="group-node-repeat">×{group.repeat}</span>
      </div>
      <div className="group-node-contents" title={contents}>
        {contents}
      </div>
      <div className="group-node-foot">
        <span>
          {inShape ?? '—'} → {outShape ?? '—'}
        </span>
        <button type="button" className="nodrag linklike" onClick={expand} aria-label={`Expand ${group.name ?? group.id}`}>
          Expand
        </button>
      </div>
      {problem && (
        <span id={`problem-${id}`} className="layer-node-problem" title={problem.message}>
          <span aria-hidden="true">!</span>
          <span className="visually-hidden">{problem.message}</span>
        </span>
      )}
      <OverlayBadge nodeId={group.id} group />
      <Handle type="source" position={sides.output} aria-label={`${group.id} output`} />
    </div>
  );
}

/** An expanded repeat block: a frame behind its members, which stay editable as ordinary layers. */
function GroupFrameView({ data }: NodeProps<GroupFrameFlowNode>) {
  const { group } = data;
  const collapse = useToggle(group.id, true);
  return (
    <div className="group-frame">
      <div className="group-frame-head">
        <span className="group-node-title">{group.name ?? group.id}</span>
        <span className="group-node-repeat">×{group.repeat}</span>
        <button type="button" className="nodrag linklike" onClick={collapse} aria-label={`Collapse ${group.name ?? group.id}`}>
          Collapse
        </button>
      </div>
    </div>
  );
}

export const GroupNode = memo(GroupNodeView);
export const GroupFrame = memo(GroupFrameView);
