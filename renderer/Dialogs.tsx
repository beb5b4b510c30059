import { appStore, useApp } from './store/store';

/** The reconnect question after deleting an Add, and the discard-changes question. */
export function Dialogs() {
  const pending = useApp((s) => s.pendingReconnect);
  const discard = useApp((s) => s.discardAction);
  if (pending) {
    const plan = pending.plans[0];
    return (
      <div className="modal-backdrop">
        <div role="alertdialog" aria-modal="true" aria-label="Reconnect after delete" className="modal">
          <p>
            Deleting {plan.mergeId} cuts the path from {plan.source} to {plan.targets.map((t) => t.target).join(', ')}. Reconnect them?
          </p>
          <div className="button-row">
            <button type="button" autoFocus onClick={() => appStore.getState().resolveReconnect(true)}>
              Reconnect
            </button>
            <button type="button" onClick={() => appStore.getState().resolveReconnect(false)}>
              Delete without reconnecting
            </button>
            <button type="button" onClick={() => appStore.getState().resolveReconnect(null)}>
              Cancel
            </button>
          </div>
        </div>
      </div>
    );
  }
  if (discard) {
    const close = () => appStore.setState({ discardAction: null });
    return (
      <div className="modal-backdrop">
        <div role="alertdialog" aria-modal="true" aria-label="Discard unsaved changes" className="modal">
          <p>The current design has unsaved changes. Discard them?</p>
          <div className="button-row">
            <button
              type="button"
              onClick={() => {
                close();
                discard();
              }}
            >
              Discard changes
            </button>
            <button type="button" autoFocus onClick={close}>
              Cancel
            </button>
          </div>
        </div>
      </div>
    );
  }
  return null;
}
