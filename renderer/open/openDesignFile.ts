import type { Design } from '../../src/graph/design';
import { primeValidation } from '../store/validation';
import { designWorker, type DesignWorkerClient } from './designWorkerClient';
import { setOpening } from './progress';
import { isHuge } from './largeView';

export type ReadDesign = { ok: true; design: Design } | { ok: false; message: string };

/**
 * Reads a picked design file with parsing, checking and shape inference in the design worker,
 * showing each stage over the canvas. The validation the worker computed is kept for the store,
 * so loading the design does not validate it again on the page. Null when the worker cannot run
 * (the caller parses on the page instead).
 */
export async function readDesignInWorker(file: File, client: DesignWorkerClient = designWorker): Promise<ReadDesign | null> {
  if (client.failure) return null;
  setOpening({ name: file.name, stage: 'Reading the file' });
  let keep = false;
  try {
    const bytes = await file.arrayBuffer();
    const result = await client.open(file.name, bytes, (stage, done, total) => setOpening({ name: file.name, stage, done, total }));
    if (!result.ok) return client.failure ? null : result;
    primeValidation(result.design, result.validation);
    // The bar stays up, reading "Drawing the canvas", until the opened design is first painted.
    setOpening({ name: file.name, stage: 'Drawing the canvas' });
    keep = true;
    return { ok: true, design: result.design };
  } finally {
    if (!keep) setOpening(null);
  }
}

/** Recovery text for a huge design, written in the design worker; null for others (the host stringifies them). */
export function serializeLargeRecovery(entry: { design: Design; name: string; savedAt: string }): Promise<string | null> {
  return isHuge(entry.design) ? designWorker.serialize(entry) : Promise.resolve(null);
}

/** Stores a huge design's recovery entry from the design worker (JSON text and IndexedDB write both there); false for others. */
export function storeLargeRecovery(entry: { design: Design; name: string; savedAt: string }, key: string): Promise<boolean> {
  return isHuge(entry.design) ? designWorker.saveRecovery(entry, key) : Promise.resolve(false);
}
