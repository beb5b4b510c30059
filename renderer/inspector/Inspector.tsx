import { memo, useCallback, useId, useState } from 'react';
import { layerKind, type ParamField } from '../../src/graph/catalogue';
import type { Design, DesignNode, RepeatGroup } from '../../src/graph/design';
import { liveIndex } from '../../src/graph/topology';
import { appStore, useApp } from '../store/store';
import { useValidation } from '../store/validation';
import { ParamInput } from './ParamInput';
import { ConnectForm } from './ConnectForm';

function LayerForm({ node }: { node: DesignNode }) {
  const kind = layerKind(node.type);
  const facts = useValidation((s) => s.facts.get(node.id));
  const params = node.params as Record<string, unknown>;
  const check = useCallback(
    (key: string, value: unknown): string | null => {
      const result = kind.params.safeParse({ ...params, [key]: value });
      return result.success ? null : result.error.issues.map((i) => i.message).join('; ');
    },
    [kind, params],
  );
  const nameId = useId();
  const [name, setName] = useState(node.name ?? '');
  const [shownFor, setShownFor] = useState(node);
  if (shownFor.id !== node.id || shownFor.name !== node.name) {
    setShownFor(node);
    setName(node.name ?? '');
  }
  return (
    <>
      <h2>
        {node.type} <span className="muted">{node.id}</span>
      </h2>
      <p className="inspector-desc">{kind.description}</p>
      <div className="field">
        <label htmlFor={nameId}>Name</label>
        <input
          id={nameId}
          type="text"
          value={name}
          maxLength={100}
          placeholder={node.id}
          onChange={(e) => setName(e.target.value)}
          onBlur={() => name !== (node.name ?? '') && appStore.getState().setName(node.id, name)}
          onKeyDown={(e) => e.key === 'Enter' && appStore.getState().setName(node.id, name)}
        />
      </div>
      {kind.fields.map((field: ParamField) => (
        <ParamInput
          key={`${node.id}-${field.key}`}
          field={field}
          value={params[field.key]}
          check={(v) => check(field.key, v)}
          commit={(v) => appStore.getState().setParams(node.id, { [field.key]: v })}
        />
      ))}
      <dl className="facts">
        <dt>Output shape</dt>
        <dd>{facts?.shape ?? 'unknown'}</dd>
        <dt>Parameters</dt>
        <dd>{facts?.paramCount ?? '—'}</dd>
      </dl>
      {facts?.problem && <p className={`inspector-problem problem-${facts.problem.severity}`}>{facts.problem.message}</p>}
      <ConnectForm nodeId={node.id} acceptsInputs={kind.inputs.max > 0} />
    </>
  );
}

function GroupForm({ group }: { group: RepeatGroup }) {
  const field: ParamField = { key: 'repeat', label: 'Repeat count', kind: 'int', min: 1, max: 10_000 };
  return (
    <>
      <h2>
        Repeat block <span className="muted">{group.id}</span>
      </h2>
      <p className="inspector-desc">
        {group.nodeIds.length} layers applied {group.repeat} times in sequence.
      </p>
      <ParamInput field={field} value={group.repeat} check={() => null} commit={(v) => appStore.getState().setGroup(group.id, { repeat: v as number })} />
      <div className="button-row">
        <button type="button" onClick={() => appStore.getState().setGroup(group.id, { collapsed: !group.collapsed })}>
          {group.collapsed ? 'Expand' : 'Collapse'}
        </button>
        <button type="button" onClick={() => appStore.getState().ungroup(group.id)}>
          Ungroup
        </button>
      </div>
    </>
  );
}

/**
 * The node with this id. This selector runs on every store change; searching 50,000 nodes for a
 * layer added at the end held each edit of a huge design. The live index holds one node per id,
 * so a design holding an id twice (it does not validate) is searched for the first.
 */
function nodeById(design: Design, id: string): DesignNode | null {
  const index = liveIndex(design);
  if (index.nodes.size === design.nodes.length) return index.nodes.get(id) ?? null;
  return design.nodes.find((n) => n.id === id) ?? null;
}

function InspectorView() {
  const selected = useApp((s) => (s.selectedIds.size === 1 ? [...s.selectedIds][0] : null));
  const count = useApp((s) => s.selectedIds.size);
  const node = useApp((s) => (selected ? nodeById(s.design, selected) : null));
  const group = useApp((s) => (selected ? (s.design.groups.find((g) => g.id === selected) ?? null) : null));
  // Selecting a member of an expanded block also offers the block's own settings.
  const parentGroup = useApp((s) => (node ? (s.design.groups.find((g) => g.nodeIds.includes(node.id)) ?? null) : null));
  return (
    <aside className="inspector" aria-label="Inspector">
      {node ? (
        <>
          <LayerForm node={node} />
          {parentGroup && (
            <div className="inspector-parent">
              <GroupForm group={parentGroup} />
            </div>
          )}
        </>
      ) : group ? (
        <GroupForm group={group} />
      ) : (
        <p className="muted">{count > 1 ? `${count} layers selected.` : 'Select a layer to edit its parameters.'}</p>
      )}
    </aside>
  );
}

export const Inspector = memo(InspectorView);
