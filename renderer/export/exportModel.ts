/**
 * Export menu → files through the host bridge. The bundle is built by src/export (the same code the
 * CLI uses); tf.js is imported on demand so it stays out of the main bundle until someone exports.
 */
import type { Design } from '../../src/graph/design';
import type { ExportBundle, ExportFormat, NamedWeights } from '../../src/export';
import { getHost } from '../host';
import type { SaveResult } from '../host/host';
import { appStore } from '../store/store';

export type ModelFormat = ExportFormat;
export type ExportOutcome = { ok: true; message: string } | { ok: false; message: string };

const FORMAT_NAMES: Record<ExportFormat, string> = { tfjs: 'tf.js model', keras: 'Keras JSON', onnx: 'ONNX', design: 'Design JSON' };

/** Builds the files for `format`; rejects with a readable message (design errors, weights that do not fit). */
export async function buildBundle(format: ExportFormat, design: Design, weights?: NamedWeights): Promise<ExportBundle> {
  const { exportDesign } = await import('../../src/export');
  if (format === 'design') return exportDesign('design', design, null, { weights });
  const tf = await import('@tensorflow/tfjs');
  await tf.ready();
  return exportDesign(format, design, tf, { weights });
}

/** Builds and hands the bundle to the host (a folder picker on the desktop, downloads on the web). */
export async function exportToHost(format: ExportFormat, design: Design, weights?: NamedWeights): Promise<SaveResult> {
  let bundle: ExportBundle;
  try {
    bundle = await buildBundle(format, design, weights);
  } catch (error) {
    return { status: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  return getHost().exportFiles(bundle);
}

/**
 * What the Export menu calls: the open design unless one is given. Without `weights` (no training
 * run yet) model files carry freshly initialized weights, which the message and the files both say.
 */
export async function exportModel(format: ExportFormat, design: Design = appStore.getState().design, weights?: NamedWeights): Promise<ExportOutcome> {
  const result = await exportToHost(format, design, weights);
  const name = FORMAT_NAMES[format];
  if (result.status === 'cancelled') return { ok: true, message: `${name} export cancelled` };
  if (result.status === 'error') return { ok: false, message: `Could not export ${name}: ${result.message.split('\n').slice(0, 4).join('; ')}` };
  const untrained = format !== 'design' && !weights ? ' (untrained: freshly initialized weights)' : '';
  return { ok: true, message: `Exported ${name} to ${result.file.name}${untrained}` };
}

/**
 * Export ▸ tf.js model / Keras JSON / ONNX: with the engine's trained weights when its model is the
 * last run's model of this very network (the rule Export ▸ PyTorch follows), else with the weights
 * kept with the document (an imported model, a weights sidecar) while they fit, else fresh ones —
 * asking first when kept weights exist but the network was edited since they came.
 */
export async function exportModelWithTrainedWeights(
  format: Exclude<ExportFormat, 'design'>,
  design: Design = appStore.getState().design,
): Promise<ExportOutcome> {
  const [{ chooseWeights }, { getEngine }] = await Promise.all([import('./chooseWeights'), import('../engine')]);
  const choice = await chooseWeights(design, FORMAT_NAMES[format], getEngine);
  if (choice.kind === 'cancelled') return { ok: true, message: `${FORMAT_NAMES[format]} export cancelled` };
  if (choice.kind === 'fresh') {
    const fresh = await exportModel(format, design);
    return fresh.ok && choice.instead ? { ok: true, message: `${fresh.message}; the weights ${choice.instead} no longer fit the edited network` } : fresh;
  }
  const carried = await exportModel(format, design, choice.weights);
  const what = choice.kind === 'trained' ? 'the trained weights' : `the weights ${choice.source}`;
  if (carried.ok || !/do not fit|weight "/.test(carried.message)) return carried.ok ? { ok: true, message: `${carried.message}, with ${what}` } : carried;
  const fresh = await exportModel(format, design);
  return fresh.ok ? { ok: true, message: `${what[0].toUpperCase()}${what.slice(1)} do not fit the design; ${fresh.message}` } : fresh;
}
