import { memo, useEffect, useRef } from 'react';
import { getHost } from '../host';
import { useApp } from '../store/store';
import { decodeImageFolder, designImageTarget, workerFor, type DecodedImageFolder } from '../data/decodeImageFolder';
import { folderFromInputFiles, type PickedImageFolder } from '../data/pickedFolder';
import { hasDirectoryPicker } from '../data/directoryPicker';
import { useImageFolder } from '../data/imageFolderStore';
import './imageFolder.css';

const THUMBS_PER_CLASS = 6;
const THUMB = 40;
const LISTED = 4;

/** The size the folder is decoded at: the design's image input, or the images' own (fitting). */
function useTarget(): [number, number, 1 | 3] | null {
  const shape = useApp((s) => (s.design.nodes.find((n) => n.type === 'Input')?.params as { shape?: unknown } | undefined)?.shape);
  const fit = useApp((s) => s.trainingForm.fitDesignToDataset);
  const target = designImageTarget(shape);
  return fit || !target ? null : target;
}

let generation = 0;
async function decode(picked: PickedImageFolder, target: [number, number, 1 | 3] | null): Promise<void> {
  const mine = ++generation;
  useImageFolder.setState({ picked, decoded: null, error: null, progress: { done: 0, total: picked.files.length } });
  let engine = null;
  try {
    engine = getHost().engine();
  } catch {
    // A host without an engine of its own decodes in a worker of its own.
  }
  const outcome = await decodeImageFolder(picked, target, workerFor(engine), (done, total) => {
    if (mine === generation) useImageFolder.setState({ progress: { done, total } });
  });
  if (mine !== generation) return;
  useImageFolder.setState(outcome.ok ? { decoded: outcome.folder, progress: null } : { error: outcome.error, progress: null });
}

function Thumbnails({ folder, label }: { folder: DecodedImageFolder; label: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const { width: w, height: h, channels: c } = folder;
    const tmp = document.createElement('canvas');
    tmp.width = w;
    tmp.height = h;
    const tctx = tmp.getContext('2d');
    if (!tctx) return;
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.imageSmoothingEnabled = w < THUMB;
    let drawn = 0;
    for (let i = 0; i < folder.labels.length && drawn < THUMBS_PER_CLASS; i++) {
      if (folder.labels[i] !== label) continue;
      const rgba = new Uint8ClampedArray(w * h * 4);
      const at = i * w * h * c;
      for (let p = 0; p < w * h; p++) {
        for (let k = 0; k < 3; k++) rgba[p * 4 + k] = folder.pixels[at + p * c + (c === 1 ? 0 : k)];
        rgba[p * 4 + 3] = 255;
      }
      tctx.putImageData(new ImageData(rgba, w, h), 0, 0);
      ctx.drawImage(tmp, drawn * (THUMB + 4), 0, THUMB, THUMB);
      drawn++;
    }
  }, [folder, label]);
  const shown = Math.min(folder.counts[label], THUMBS_PER_CLASS);
  return (
    <canvas
      ref={canvas}
      width={THUMBS_PER_CLASS * (THUMB + 4)}
      height={THUMB}
      className="image-folder-thumbs"
      role="img"
      aria-label={`${shown} of the ${folder.counts[label]} images of class ${folder.classNames[label]}`}
    />
  );
}

function Listed({ title, lines }: { title: string; lines: string[] }) {
  if (lines.length === 0) return null;
  return (
    <details className="image-folder-notes">
      <summary>{title}</summary>
      <ul>
        {lines.slice(0, LISTED).map((l) => (
          <li key={l}>{l}</li>
        ))}
        {lines.length > LISTED && <li>…and {lines.length - LISTED} more</li>}
      </ul>
    </details>
  );
}

function ImageFolderPickerView() {
  const target = useTarget();
  const { picked, decoded, progress, error } = useImageFolder();
  const host = getHost();
  const hasDialog = host.kind === 'electron' || (host.kind === 'web' && hasDirectoryPicker(window));
  const targetKey = target ? target.join('×') : 'fit';

  // The design's input changed (or fitting was switched): decode the same files at the new size.
  useEffect(() => {
    const state = useImageFolder.getState();
    if (!state.picked || state.progress) return;
    const had = state.decoded?.target ? state.decoded.target.join('×') : state.decoded ? 'fit' : null;
    if (had !== null && had !== targetKey) void decode(state.picked, target);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- targetKey stands for target
  }, [targetKey]);

  const choose = async () => {
    const result = await host.pickImageFolder();
    if (result.status === 'picked') await decode(result.folder, target);
    else if (result.status === 'error' || result.status === 'unsupported') useImageFolder.setState({ error: result.message });
  };
  const onFiles = (e: React.ChangeEvent<HTMLInputElement>) => {
    const folder = e.currentTarget.files ? folderFromInputFiles(e.currentTarget.files) : null;
    if (folder) void decode(folder, target);
  };

  return (
    <div className="image-folder" aria-label="Image folder">
      {hasDialog ? (
        <button type="button" onClick={() => void choose()}>
          Choose image folder…
        </button>
      ) : (
        <label className="field">
          Image folder (one subfolder per class)
          {/* webkitdirectory is not in React's input attributes; as a string it reaches the DOM. */}
          <input type="file" multiple {...{ webkitdirectory: '' }} aria-label="Image folder files" onChange={onFiles} />
        </label>
      )}
      <p className="muted small">
        PNG or JPEG, one subfolder per class;{' '}
        {target ? `resized to the design's input, ${target[0]}×${target[1]}×${target[2]}` : "at the images' own size (the design is fitted to them)"}, scaled to
        [0, 1].
      </p>
      {progress && (
        <p className="image-folder-progress" role="status">
          <progress value={progress.done} max={Math.max(progress.total, 1)} /> Decoding {progress.done.toLocaleString('en')} of{' '}
          {progress.total.toLocaleString('en')} images…
        </p>
      )}
      {error && (
        <p className="training-error" role="alert">
          {error}
        </p>
      )}
      {decoded && (
        <div className="image-folder-preview" aria-label="Image folder preview">
          <p className="image-folder-summary">
            <strong>{decoded.name}</strong>: {decoded.labels.length.toLocaleString('en')} images in {decoded.classNames.length} classes, {decoded.height}×
            {decoded.width}×{decoded.channels}
          </p>
          {decoded.skipped.length > 0 && (
            <p className="image-folder-skipped" role="status">
              Skipped {decoded.skipped.length} file{decoded.skipped.length === 1 ? '' : 's'} that could not be decoded.
            </p>
          )}
          <Listed title={`Skipped files (${decoded.skipped.length})`} lines={decoded.skipped} />
          <Listed title={`Left out (${decoded.ignored.length})`} lines={decoded.ignored} />
          {decoded.classNames.slice(0, 20).map((name, k) => (
            <div key={name} className="image-folder-class">
              <div className="image-folder-class-name">
                {name} <span className="muted">{decoded.counts[k].toLocaleString('en')}</span>
              </div>
              <Thumbnails folder={decoded} label={k} />
            </div>
          ))}
          {decoded.classNames.length > 20 && <p className="muted small">…and {decoded.classNames.length - 20} more classes</p>}
        </div>
      )}
      {!decoded && !progress && picked === null && !error && <p className="muted small">No folder chosen yet.</p>}
    </div>
  );
}

export const ImageFolderPicker = memo(ImageFolderPickerView);
