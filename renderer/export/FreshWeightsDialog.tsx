import { useApp } from '../store/store';

/** Asked by an export when the weights kept with the document belong to a network since edited. */
export function FreshWeightsDialog() {
  const offer = useApp((s) => s.freshWeightsOffer);
  if (!offer) return null;
  return (
    <div className="modal-backdrop">
      <div role="alertdialog" aria-modal="true" aria-label="Weights no longer fit" className="modal">
        <p>
          The weights {offer.source} no longer fit: the network was edited since. Export the {offer.format} with freshly initialized weights instead? (Undoing
          the edits makes them fit again.)
        </p>
        <div className="button-row">
          <button type="button" autoFocus onClick={() => offer.answer(true)}>
            Export with fresh weights
          </button>
          <button type="button" onClick={() => offer.answer(false)}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
