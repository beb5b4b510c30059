import { memo } from 'react';
import { appStore, useApp } from '../store/store';
import { changedFromPreset } from './presetForm';

/** Says that the form came from the open design's preset, what it should reach, and what the user changed. */
function PresetNoteView() {
  const applied = useApp((s) => s.appliedPreset);
  const form = useApp((s) => s.trainingForm);
  if (!applied) return null;
  const changed = changedFromPreset(form, applied.form);
  return (
    <div className="preset-note small" role="note" aria-label="Training preset">
      <p>
        Settings from the design file ({applied.designName}){changed.length ? `, changed: ${changed.join(', ')}` : ''}. You may change them.
      </p>
      {applied.expected && <p className="muted">Expected: {applied.expected}</p>}
      {changed.length > 0 && (
        <button type="button" onClick={() => appStore.getState().setTrainingForm(applied.form)}>
          Use the file's settings
        </button>
      )}
    </div>
  );
}

export const PresetNote = memo(PresetNoteView);
