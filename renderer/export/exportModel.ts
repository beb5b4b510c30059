/**
 * Model export (tf.js Layers model, Keras JSON) is built by the export engineer; until it lands,
 * callers get a clear refusal to show rather than a fake file.
 */
export type ModelFormat = 'tfjs' | 'keras';
export type ExportOutcome = { ok: true; message: string } | { ok: false; message: string };

export async function exportModel(format: ModelFormat): Promise<ExportOutcome> {
  const name = format === 'tfjs' ? 'tf.js model' : 'Keras JSON';
  return { ok: false, message: `Export as ${name} is not available yet in this build.` };
}
