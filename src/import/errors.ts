/** One thing that stops an import, located by layer when there is one. */
export interface ImportProblem {
  /** Layer name as written in the file (with the enclosing models for nested ones: `outer › inner`). */
  layer?: string;
  className?: string;
  message: string;
}

/** Problems listed in one error; the rest are counted. A hostile file can have 100,000 of them. */
export const MAX_LISTED_PROBLEMS = 10;
/** Characters of one problem's text; names from a file can be 1,000 characters long. */
const MAX_PROBLEM_CHARS = 400;

/** A name or path from a file, shortened for a message. */
export function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A name or path from a file, quoted and shortened for a message. */
export const shownPath = (path: string): string => JSON.stringify(clip(path));

/** Keeps both ends: a long problem's subject is at the start and its reason at the end. */
function clipMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor((max - 1) / 2);
  return `${text.slice(0, half)}…${text.slice(text.length - half)}`;
}

export function formatProblem(p: ImportProblem): string {
  const where =
    p.layer !== undefined ? `layer "${clip(p.layer)}"${p.className ? ` (${clip(p.className, 60)})` : ''}: ` : p.className ? `${clip(p.className, 60)}: ` : '';
  return clipMiddle(`${where}${p.message}`, MAX_PROBLEM_CHARS);
}

function describe(problems: readonly ImportProblem[]): string {
  if (problems.length === 1) return formatProblem(problems[0]);
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  - ${formatProblem(p)}`);
  if (problems.length > MAX_LISTED_PROBLEMS) listed.push(`  … and ${problems.length - MAX_LISTED_PROBLEMS} more`);
  return `${problems.length} problems:\n${listed.join('\n')}`;
}

/** Thrown with every problem found, never just the first: the user fixes the model once. Nothing is imported. */
export class ImportError extends Error {
  constructor(
    readonly problems: ImportProblem[],
    readonly source = 'the model',
  ) {
    super(`cannot import ${clip(source, 200)}: ${describe(problems)}`);
    this.name = 'ImportError';
  }
}
