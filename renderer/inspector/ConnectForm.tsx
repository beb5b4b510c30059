import { useId, useMemo, useState } from 'react';
import { disconnect } from '../../src/graph/edit';
import { appStore, useApp } from '../store/store';

/** Above this many candidates the list becomes a searched text field: a select of 50,000 options stalls every render. */
const LIST_LIMIT = 2000;
/** Suggestions shown under the text field. */
const SUGGESTIONS = 50;

/** Node ids that can feed another, as one string so dragging (which changes positions only) does not re-render this form. */
const keyCache = new WeakMap<object, string>();
const sourceIdsKey = (s: ReturnType<typeof appStore.getState>): string => {
  // The selector runs on every store change; the string is rebuilt only when the nodes change.
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

function removeInput(nodeId: string, edgeId: string): void {
  const state = appStore.getState();
  state.apply({ ok: true, design: disconnect(state.design, [edgeId]), selection: [nodeId] });
}

/** Connecting without a mouse: pick the layer whose output feeds this one. */
export function ConnectForm({ nodeId, acceptsInputs }: { nodeId: string; acceptsInputs: boolean }) {
  const id = useId();
  const key = useApp(sourceIdsKey);
  const edges = useApp((s) => s.design.edges);
  const inputs = useMemo(() => edges.filter((e) => e.target === nodeId), [edges, nodeId]);
  const options = useMemo(() => key.split('\n').filter((x) => x && x !== nodeId), [key, nodeId]);
  const [source, setSource] = useState('');
  if (!acceptsInputs) return null;
  const searched = options.length > LIST_LIMIT;
  const chosen = searched ? (options.includes(source) ? source : '') : options.includes(source) ? source : (options[0] ?? '');
  const suggestions = searched ? options.filter((o) => o.startsWith(source)).slice(0, SUGGESTIONS) : [];
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
