/** What an export produces: named files for the host (desktop folder, browser download) or the CLI to write. */
export interface ExportedFile {
  name: string;
  data: Uint8Array | string;
}

export interface ExportBundle {
  /** A folder (or download) name derived from the design name. */
  suggestedName: string;
  files: ExportedFile[];
}

export type ExportFormat = 'tfjs' | 'keras' | 'onnx' | 'design';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['tfjs', 'keras', 'onnx', 'design'];

/** Written into every model export so a reader knows whether the weights mean anything. */
export interface ExportProvenance {
  exporter: 'ResCanvas';
  design: string;
  /** 'trained': weights from a run (or an import); 'initial': freshly initialized by the compiler. */
  weights: 'trained' | 'initial';
  note: string;
}

export function provenance(designName: string, trained: boolean): ExportProvenance {
  return {
    exporter: 'ResCanvas',
    design: designName,
    weights: trained ? 'trained' : 'initial',
    note: trained
      ? 'weights supplied with the export (a training run or an imported model)'
      : 'no weights were supplied: these are freshly initialized, untrained weights',
  };
}

/** A file-system-safe folder name for the design (letters, digits, - and _). */
export function folderName(designName: string, suffix: string): string {
  const stem =
    designName
      .trim()
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'model';
  return `${stem}-${suffix}`;
}
