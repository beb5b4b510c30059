import type { Design } from '../graph/design';
import { serializeDesign } from '../graph/parse';
import { folderName, type ExportBundle } from './bundle';
import { encodeWeightsSidecar, weightsSidecarPaths, type NamedWeights } from '../schema/weights';

export function designFileName(design: Design): string {
  return `${folderName(design.metadata.name, 'design').replace(/-design$/, '')}.rescanvas.json`;
}

/**
 * The app's own document, the one Open reads. With weights, they travel as the weights sidecar
 * (`<name>.weights.json` + `.weights.bin`) so the design reopens ready to fine-tune.
 */
export function exportDesignJson(design: Design, weights?: NamedWeights, options: { fileName?: string; source?: string } = {}): ExportBundle {
  const name = options.fileName ?? designFileName(design);
  const source = options.source ?? 'exported with the design';
  const files: ExportBundle['files'] = [];
  if (weights) {
    const paths = weightsSidecarPaths(name);
    const sidecar = encodeWeightsSidecar(weights, paths.bin, source);
    files.push({ name: paths.bin, data: sidecar.bin }, { name: paths.manifest, data: sidecar.manifest });
  }
  // Last, so writers that go file by file never leave a design pointing at weights not yet written.
  files.push({ name, data: serializeDesign(design) });
  return { suggestedName: folderName(design.metadata.name, 'design'), files };
}
