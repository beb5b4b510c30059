/** One thing that stops an import, located by layer when there is one. */
export interface ImportProblem {
  /** Layer name as written in the file (with the enclosing models for nested ones: `outer › inner`). */
  layer?: string;
  className?: string;
  message: string;
}

export function formatProblem(p: ImportProblem): string {
  const where = p.layer !== undefined ? `layer "${p.layer}"${p.className ? ` (${p.className})` : ''}: ` : p.className ? `${p.className}: ` : '';
  return `${where}${p.message}`;
}

/** Thrown with every problem found, never just the first: the user fixes the model once. Nothing is imported. */
export class ImportError extends Error {
  constructor(readonly problems: ImportProblem[], readonly source = 'the model') {
    super(`cannot import ${source}: ${problems.length === 1 ? formatProblem(problems[0]) : `${problems.length} problems:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`}`);
    this.name = 'ImportError';
  }
}
