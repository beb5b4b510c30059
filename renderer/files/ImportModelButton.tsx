import { useRef } from 'react';
import { appStore } from '../store/store';
import { importPickedFiles } from './fileActions';

/**
 * Toolbar ▸ Import model: one file input for every host (the desktop's Chromium has it too), so the
 * model file and its weight shards are picked together, as a browser can only read files it was given.
 */
export function ImportModelButton() {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        title="Open a tf.js model.json or Keras JSON with its weight files (or a design with its weights sidecar); the weights are kept for Export"
        onClick={() => appStore.getState().unlessDirty(() => input.current?.click(), 'document')}
      >
        Import model
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept=".json,.bin"
        aria-label="Model files to import"
        hidden
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          e.currentTarget.value = '';
          if (files.length) void importPickedFiles(files);
        }}
      />
    </>
  );
}
