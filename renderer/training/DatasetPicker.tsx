import { memo, useEffect, useRef, useState } from 'react';
import { DATASET_KINDS, DATASET_TITLES, type DatasetKind } from '../../src/schema/datasetSpec';
import type { DatasetPreview } from '../../src/engine/datasets/preview';
import { dataWorker, DataWorkerError, progressText, type DataCallOptions } from '../data/dataWorkerClient';
import type { DataProgress } from '../data/dataWorkerProtocol';
import { appStore, useApp } from '../store/store';
import { categoryColour } from '../overlay/colour';
import { datasetSpec } from './settings';
import { ImageFolderPicker } from './ImageFolderPicker';

/** The command line's named kinds, and an image folder, which the app picks with its folder picker. */
const APP_DATASET_KINDS: readonly DatasetKind[] = [...DATASET_KINDS, 'images'];

/** Shared with the decision boundary, which draws the same points under its grid. */
export const previewCache: { preview: DatasetPreview | null } = { preview: null };

/** Builds the preview in the data worker: a 100 MB CSV takes seconds to parse, which must not hold the page. */
async function buildPreview(kind: DatasetKind, options: DataCallOptions): Promise<DatasetPreview> {
  const state = appStore.getState();
  const form = { ...state.trainingForm, dataset: kind, datasetSize: kind === 'mnist' || kind === 'shapes' ? 100 : state.trainingForm.datasetSize };
  const spec = datasetSpec(form, state.design);
  if ('error' in spec) throw new Error(spec.error);
  return dataWorker.preview(spec, kind === 'mnist' || kind === 'shapes' ? 40 : 600, options);
}

/** While a CSV file is read or parsed: a bar with its stage, so a long wait shows it is moving. */
function CsvProgress({ name, progress }: { name: string; progress: DataProgress }) {
  const text = `${progressText(progress)}…`;
  return (
    <div className="csv-progress field" role="status" aria-live="polite">
      <progress
        style={{ width: '100%' }}
        aria-label="Reading the CSV file"
        aria-valuetext={`${name}: ${text}`}
        max={progress.total || 1}
        value={progress.total ? progress.done : undefined}
      />
      <span className="muted">
        {name}: {text}
      </span>
    </div>
  );
}

export function drawPoints(ctx: CanvasRenderingContext2D, preview: Extract<DatasetPreview, { kind: 'points' }>, size: number, pad = 0.1): void {
  const { minX, maxX, minY, maxY } = paddedBounds(preview, pad);
  for (let i = 0; i < preview.count; i++) {
    const x = ((preview.points[2 * i] - minX) / (maxX - minX)) * size;
    const y = size - ((preview.points[2 * i + 1] - minY) / (maxY - minY)) * size;
    ctx.fillStyle = categoryColour(preview.labels[i]);
    ctx.strokeStyle = 'rgba(255,255,255,0.8)';
    ctx.beginPath();
    ctx.arc(x, y, 2.4, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
  }
}

export function paddedBounds(preview: Extract<DatasetPreview, { kind: 'points' }>, pad = 0.1) {
  const b = preview.bounds;
  const dx = (b.maxX - b.minX || 1) * pad;
  const dy = (b.maxY - b.minY || 1) * pad;
  return { minX: b.minX - dx, maxX: b.maxX + dx, minY: b.minY - dy, maxY: b.maxY + dy };
}

function PreviewView({ preview }: { preview: DatasetPreview }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || preview.kind === 'columns') return;
    ctx.clearRect(0, 0, 240, 240);
    if (preview.kind === 'points') {
      drawPoints(ctx, preview, 240);
      return;
    }
    const cols = 8;
    const cell = 240 / cols;
    const n = Math.min(preview.count, cols * 5);
    for (let i = 0; i < n; i++) {
      const px = preview.width * preview.height * 4;
      const image = new ImageData(new Uint8ClampedArray(preview.rgba.subarray(i * px, (i + 1) * px)), preview.width, preview.height);
      const tmp = document.createElement('canvas');
      tmp.width = preview.width;
      tmp.height = preview.height;
      tmp.getContext('2d')?.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(tmp, (i % cols) * cell + 1, Math.floor(i / cols) * cell + 1, cell - 2, cell - 2);
    }
  }, [preview]);
  if (preview.kind === 'columns') {
    return (
      <table className="column-summary" aria-label="Dataset columns">
        <thead>
          <tr>
            <th>column</th>
            <th>min</th>
            <th>mean</th>
            <th>max</th>
            <th>distinct</th>
          </tr>
        </thead>
        <tbody>
          {preview.columns.slice(0, 30).map((c) => (
            <tr key={c.name}>
              <td>{c.name}</td>
              <td>{c.min.toPrecision(3)}</td>
              <td>{c.mean.toPrecision(3)}</td>
              <td>{c.max.toPrecision(3)}</td>
              <td>{c.distinct}</td>
            </tr>
          ))}
          <tr>
            <td colSpan={5} className="muted">
              {preview.rows} rows · {preview.classes} classes ({preview.classNames.slice(0, 6).join(', ')}
              {preview.classes > 6 ? ', …' : ''})
            </td>
          </tr>
        </tbody>
      </table>
    );
  }
  return (
    <canvas
      ref={canvas}
      width={240}
      height={preview.kind === 'points' ? 240 : 150}
      className="dataset-preview"
      aria-label={`Preview of the dataset: ${preview.kind === 'points' ? `${preview.count} points in ${preview.classes} classes` : `${preview.count} images`}`}
      role="img"
    />
  );
}

function DatasetPickerView() {
  const kind = useApp((s) => s.trainingForm.dataset);
  const csv = useApp((s) => s.trainingForm.csv);
  const size = useApp((s) => s.trainingForm.datasetSize);
  const noise = useApp((s) => s.trainingForm.noise);
  const turns = useApp((s) => s.trainingForm.turns);
  const seed = useApp((s) => s.trainingForm.seed);
  const [preview, setPreview] = useState<DatasetPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The CSV being read or parsed, and how far it has come. */
  const [reading, setReading] = useState<{ name: string; progress: DataProgress } | null>(null);
  const fileRead = useRef<AbortController | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    setError(null);
    if ((kind === 'csv' && !csv) || kind === 'images') {
      setPreview(null);
      if (kind !== 'csv') setReading(null);
      return;
    }
    const onProgress = kind === 'csv' && csv ? (progress: DataProgress) => setReading({ name: csv.name, progress }) : undefined;
    buildPreview(kind, { signal: abort.signal, onProgress }).then(
      (p) => {
        if (abort.signal.aborted) return;
        setReading(null);
        previewCache.preview = p;
        setPreview(p);
      },
      (e: unknown) => {
        if (abort.signal.aborted) return;
        setReading(null);
        previewCache.preview = null;
        setPreview(null);
        setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => abort.abort();
  }, [kind, csv, size, noise, turns, seed]);

  const onFile = async (e: React.ChangeEvent<HTMLInputElement>) => {
    const file = e.currentTarget.files?.[0];
    if (!file) return;
    fileRead.current?.abort();
    const abort = new AbortController();
    fileRead.current = abort;
    setError(null);
    const onProgress = (progress: DataProgress) => setReading({ name: file.name, progress });
    try {
      // The same reader as designs and run logs (in the worker): a BOM is dropped, invalid UTF-8 refused rather than replaced.
      const text = await dataWorker.readCsv(file, file.name, { signal: abort.signal, onProgress });
      appStore.getState().setTrainingForm({ csv: { name: file.name, text } });
    } catch (error) {
      if (error instanceof DataWorkerError && error.code === 'cancelled') return;
      setReading(null);
      setError(error instanceof Error ? error.message : String(error));
    }
  };

  const synthetic = kind === 'spirals' || kind === 'twoMoons' || kind === 'circles' || kind === 'xor' || kind === 'gaussianBlobs';
  return (
    <div className="dataset-picker">
      <label className="field">
        Dataset
        <select
          value={kind}
          onChange={(e) =>
            appStore.getState().setTrainingForm({
              dataset: e.currentTarget.value as DatasetKind,
              datasetSize: e.currentTarget.value === 'mnist' ? 2000 : e.currentTarget.value === 'shapes' ? 1000 : 600,
            })
          }
        >
          {APP_DATASET_KINDS.map((k) => (
            <option key={k} value={k}>
              {DATASET_TITLES[k]}
            </option>
          ))}
        </select>
      </label>
      {kind === 'csv' && (
        <label className="field">
          CSV file {csv && <span className="muted">({csv.name})</span>}
          <input type="file" accept=".csv,text/csv,text/plain" onChange={(e) => void onFile(e)} />
        </label>
      )}
      {kind === 'images' && <ImageFolderPicker />}
      {kind !== 'csv' && kind !== 'images' && (
        <div className="field-row">
          <label className="field">
            Samples
            <input
              type="number"
              min={10}
              max={kind === 'mnist' ? 9969 : 200000}
              step={100}
              value={size}
              onChange={(e) => appStore.getState().setTrainingForm({ datasetSize: Number(e.currentTarget.value) })}
            />
          </label>
          {synthetic && (
            <label className="field">
              Noise
              <input
                type="number"
                min={0}
                max={5}
                step={0.05}
                value={noise}
                onChange={(e) => appStore.getState().setTrainingForm({ noise: Number(e.currentTarget.value) })}
              />
            </label>
          )}
          {kind === 'spirals' && (
            <label className="field">
              Turns
              <input
                type="number"
                min={0.25}
                max={5}
                step={0.25}
                value={turns}
                onChange={(e) => appStore.getState().setTrainingForm({ turns: Number(e.currentTarget.value) })}
              />
            </label>
          )}
        </div>
      )}
      {kind === 'csv' && reading && <CsvProgress name={reading.name} progress={reading.progress} />}
      {error && (
        <p className="training-error" role="alert">
          {error}
        </p>
      )}
      {preview && <PreviewView preview={preview} />}
    </div>
  );
}

export const DatasetPicker = memo(DatasetPickerView);
