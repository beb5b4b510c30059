import { memo, useState, type DragEvent, type KeyboardEvent } from 'react';
import { LAYER_KINDS, type LayerType } from '../../src/graph/catalogue';
import { appStore } from '../store/store';
import { visibleCentre } from '../canvas/canvasApi';
import { LAYER_DRAG_TYPE } from '../canvas/Canvas';

function addAtCentre(type: LayerType): void {
  appStore.getState().addLayer(type, visibleCentre());
}

function onDragStart(event: DragEvent<HTMLDivElement>): void {
  const type = event.currentTarget.dataset.type ?? '';
  event.dataTransfer.setData(LAYER_DRAG_TYPE, type);
  event.dataTransfer.setData('text/plain', type);
  event.dataTransfer.effectAllowed = 'copy';
}

function onKeyDown(event: KeyboardEvent<HTMLDivElement>): void {
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    addAtCentre(event.currentTarget.dataset.type as LayerType);
  }
}

/** Searchable list of the catalogue: drag an item onto the canvas, or click / press Enter to add it at the centre. */
function PaletteView() {
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const kinds = LAYER_KINDS.filter(
    (k) => !q || k.displayName.toLowerCase().includes(q) || k.description.toLowerCase().includes(q) || k.category.toLowerCase().includes(q),
  );
  return (
    <aside className="palette" aria-label="Layer palette">
      <input
        type="text"
        className="palette-search"
        aria-label="Search layers"
        placeholder="Search layers"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div className="palette-items">
        {kinds.map((k) => (
          <div
            key={k.type}
            role="button"
            tabIndex={0}
            draggable
            data-type={k.type}
            aria-label={k.displayName}
            className={`palette-item kind-${k.category.replace(/\W+/g, '-').toLowerCase()}`}
            aria-describedby={`palette-desc-${k.type}`}
            onDragStart={onDragStart}
            onClick={() => addAtCentre(k.type)}
            onKeyDown={onKeyDown}
          >
            <span className="palette-item-name">{k.displayName}</span>
            <span className="palette-item-desc" id={`palette-desc-${k.type}`} role="tooltip">
              {k.description}
            </span>
          </div>
        ))}
        {kinds.length === 0 && <p className="palette-empty">No layer matches “{query}”.</p>}
      </div>
    </aside>
  );
}

export const Palette = memo(PaletteView);
