import { useId, useMemo, useState } from 'react';
import type { DesignNode } from '../../src/graph/design';
import { disconnect } from '../../src/graph/edit';
import { liveIndex } from '../../src/graph/topology';
import { appStore, useApp } from '../store/store';

/** Above this many candidates the list becomes a searched text field: a select of 50,000 options stalls every render. */
const LIST_LIMIT = 2000;
/** Suggestions shown under the text field. */
const SUGGESTIONS = 50;

/** Above this many nodes the ids are not joined into one key (see sourceIdsKey): the form searches them instead. */
const KEY_LIMIT = 5000;

/** Node ids that can feed another, as one string so dragging (which changes positions only) does not re-render this form. */
const keyCache = new WeakMap<object, string>();
const sourceIdsKey = (s: ReturnType<typeof appStore.getState>): string | null => {
  // The selector runs on every store change; the string is rebuilt only when the nodes change.
  // Joining 50,000 ids on every edit of a huge design cost more than the edit.
  if (s.design.nodes.length > KEY_LIMIT) return null;
  let key = keyCache.get(s.design.nodes);
  if (key === undefined) {
    key = s.design.nodes
      .filter((n) => n.type !== 'Output')
      .map((n) => n.id)
      .join('\n');
    keyCache.set(s.design.nodes, key);
  }
  return key;
};

/** How many nodes can feed another, counted only as far as `limit` + 1: enough to tell a list from a search. */
function sourceCountUpTo(nodes: readonly DesignNode[], limit: number): number {
  let count = 0;
  for (const n of nodes) if (n.type !== 'Output' && ++count > limit) break;
  return count;
}

/** Up to `limit` ids of nodes that can feed `nodeId`, starting with `prefix`, in design order. */
function sourcesStarting(nodes: readonly DesignNode[], nodeId: string, prefix: string, limit: number): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    if (out.length >= limit) break;
    if (n.type !== 'Output' && n.id !== nodeId && n.id.startsWith(prefix)) out.push(n.id);
  }
  return out;
}

function removeInput(nodeId: string, edgeId: string): void {
  const state = appStore.getState();
  state.apply({ ok: true, design: disconnect(state.design, [edgeId]), selection: [nodeId] });
}

/** Connecting without a mouse: pick the layer whose output feeds this one. */
export function ConnectForm({ nodeId, acceptsInputs }: { nodeId: string; acceptsInputs: boolean }) {
  const id = useId();
  const key = useApp(sourceIdsKey);
  // Huge designs only: the form re-renders on every change of the nodes and reads them in passes
  // that stop early, rather than rebuilding a list of every id.
  const hugeNodes = useApp((s) => (s.design.nodes.length > KEY_LIMIT ? s.design.nodes : null));
  const edges = useApp((s) => s.design.edges);
  const inputs = useMemo(() => edges.filter((e) => e.target === nodeId), [edges, nodeId]);
  const listed = useMemo(() => (key === null ? null : key.split('\n').filter((x) => x && x !== nodeId)), [key, nodeId]);
  const [source, setSource] = useState('');
  if (!acceptsInputs) return null;
  let options: string[];
  let searched: boolean;
  let chosen: string;
  let suggestions: string[];
  if (listed || !hugeNodes) {
    options = listed ?? [];
    searched = options.length > LIST_LIMIT;
    chosen = searched ? (options.includes(source) ? source : '') : options.includes(source) ? source : (options[0] ?? '');
    suggestions = searched ? options.filter((o) => o.startsWith(source)).slice(0, SUGGESTIONS) : [];
  } else {
    const byId = liveIndex(appStore.getState().design).nodes;
    const canFeed = (id: string): boolean => byId.has(id) && byId.get(id)?.type !== 'Output';
    searched = sourceCountUpTo(hugeNodes, LIST_LIMIT + 1) - (canFeed(nodeId) ? 1 : 0) > LIST_LIMIT;
    options = searched ? [] : sourcesStarting(hugeNodes, nodeId, '', Infinity);
    const known = source !== '' && source !== nodeId && canFeed(source);
    chosen = searched ? (known ? source : '') : known ? source : (options[0] ?? '');
    suggestions = searched ? sourcesStarting(hugeNodes, nodeId, source, SUGGESTIONS) : [];
  }
  return (
    <div className="connect-form">
      <h3>Inputs</h3>
      {inputs.length ? (
        <ul className="input-list">
          {inputs.map((e) => (
            <li key={e.id}>
              {e.source}{' '}
              <button type="button" className="linklike" aria-label={`Disconnect ${e.source}`} onClick={() => removeInput(nodeId, e.id)}>
                Disconnect
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No inputs yet.</p>
      )}
      <div className="field">
        <label htmlFor={id}>Connect input from</label>
        {searched ? (
          <>
            <input id={id} list={`${id}-ids`} value={source} placeholder="layer id" spellCheck={false} onChange={(e) => setSource(e.target.value)} />
            <datalist id={`${id}-ids`}>
              {suggestions.map((o) => (
                <option key={o} value={o} />
              ))}
            </datalist>
          </>
        ) : (
          <select id={id} value={chosen} onChange={(e) => setSource(e.target.value)}>
            {options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        )}
      </div>
      <button type="button" disabled={!chosen} onClick={() => appStore.getState().connectNodes(chosen, nodeId)}>
        Connect
      </button>
    </div>
  );
}
