import { constants, promises as fs, type Stats } from 'node:fs';
import { join, relative, isAbsolute, sep } from 'node:path';
import type { WeightFiles } from '../src/import/weights';

/*
 * Node-only, shared by the CLI and the Electron main process (the CLI already reaches into
 * electron/ for Node-only code, and electron/tsconfig.json type-checks cli/ with it), so there is
 * one place that decides which files a model folder, an image folder or a manifest may reach.
 */

/** What a caller may learn about a path a file names: its size when it is a file inside the folder, else why not. */
export type ConfinedEntry = { kind: 'file'; bytes: number; realPath: string; dev: number; ino: number } | { kind: 'refused'; reason: string };

/**
 * Deliberately one sentence for every link that does not end on a file inside the folder: a link to
 * /etc/passwd, to a missing file and to a directory outside all read the same, so an import error
 * tells nothing about what lies outside the folder.
 */
export const LINK_OUTSIDE = 'is a symbolic link that does not lead to a file inside the folder; only files inside it are read';

/** Relative, inside the folder: a file must not name `../../secret`, an absolute path or a URL. */
export function lexicalProblem(path: string): string | null {
  if (path === '') return 'is empty';
  if (path.includes('\0')) return 'contains a NUL character';
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return 'is a URL or drive path; only files inside the folder are read';
  if (path.startsWith('/') || path.startsWith('\\')) return 'is an absolute path; only files inside the folder are read';
  if (path.split(/[\\/]/).some((part) => part === '..')) return 'leaves the folder ("..")';
  return null;
}

function inside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * A folder the user chose, and reads of files that something inside it names. Paths are resolved
 * by resolution (realpath of every symbolic link on the way), not by spelling; a read opens the file
 * without following links and checks it is the very file (device, inode, size) that was measured.
 */
export class ConfinedFolder {
  private constructor(readonly root: string) {}

  /** `folder` is resolved once, here: the folder itself may be reached through links the user made. */
  static async open(folder: string): Promise<ConfinedFolder> {
    return new ConfinedFolder(await fs.realpath(folder));
  }

  /** Measures `path` (relative to the folder) without reading it. */
  async stat(path: string): Promise<ConfinedEntry> {
    const bad = lexicalProblem(path);
    if (bad) return { kind: 'refused', reason: bad };
    const parts = path.split(/[\\/]/).filter((p) => p !== '' && p !== '.');
    if (parts.length === 0) return { kind: 'refused', reason: 'names the folder itself, not a file' };
    let current = this.root;
    for (const [i, part] of parts.entries()) {
      const next = join(current, part);
      let info: Stats;
      try {
        info = await fs.lstat(next);
      } catch {
        return { kind: 'refused', reason: 'was not found' };
      }
      if (info.isSymbolicLink()) {
        let real: string;
        try {
          real = await fs.realpath(next);
          info = await fs.stat(real);
        } catch {
          return { kind: 'refused', reason: LINK_OUTSIDE };
        }
        if (!inside(this.root, real)) return { kind: 'refused', reason: LINK_OUTSIDE };
        current = real;
      } else current = next;
      const last = i === parts.length - 1;
      if (!last && !info.isDirectory()) return { kind: 'refused', reason: 'was not found' };
      if (last && !info.isFile()) return { kind: 'refused', reason: info.isSymbolicLink() ? LINK_OUTSIDE : 'is not a regular file' };
      if (last) return { kind: 'file', bytes: info.size, realPath: current, dev: info.dev, ino: info.ino };
    }
    return { kind: 'refused', reason: 'was not found' };
  }

  /**
   * The entries of a folder inside this one (`''` for the folder itself), for readers of image
   * folders: links are followed only when they stay inside; others are returned as refused, with
   * the same sentence whatever they point at. Sorted by name, so datasets load in a stable order.
   */
  async list(path: string): Promise<{ name: string; kind: 'file' | 'folder' | 'refused'; reason?: string }[]> {
    const bad = path === '' ? null : lexicalProblem(path);
    if (bad) throw new Error(`"${path}" ${bad}`);
    const folder = path === '' ? this.root : await fs.realpath(join(this.root, path));
    if (!inside(this.root, folder)) throw new Error(`"${path}" ${LINK_OUTSIDE}`);
    const out: { name: string; kind: 'file' | 'folder' | 'refused'; reason?: string }[] = [];
    for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
      const rel = path === '' ? entry.name : `${path}/${entry.name}`;
      if (entry.isFile()) out.push({ name: entry.name, kind: 'file' });
      else if (entry.isDirectory()) out.push({ name: entry.name, kind: 'folder' });
      else if (entry.isSymbolicLink()) {
        const target = await this.stat(rel);
        if (target.kind === 'file') out.push({ name: entry.name, kind: 'file' });
        else if (target.reason === 'is not a regular file') {
          const real = await fs.realpath(join(folder, entry.name)).catch(() => null);
          out.push(real && inside(this.root, real) ? { name: entry.name, kind: 'folder' } : { name: entry.name, kind: 'refused', reason: LINK_OUTSIDE });
        } else out.push({ name: entry.name, kind: 'refused', reason: target.reason });
      } else out.push({ name: entry.name, kind: 'refused', reason: 'is not a regular file' });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Reads a file `stat` measured: opened without following a final link, checked to be the same
   * file with the same size, and never more than that many bytes (a file swapped or grown after it
   * was measured is refused rather than read).
   */
  async read(entry: Extract<ConfinedEntry, { kind: 'file' }>): Promise<Uint8Array> {
    const handle = await fs.open(entry.realPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      const info = await handle.stat();
      if (info.dev !== entry.dev || info.ino !== entry.ino || info.size !== entry.bytes) throw new ChangedWhileReadingError();
      const bytes = new Uint8Array(entry.bytes);
      let at = 0;
      while (at < bytes.length) {
        const { bytesRead } = await handle.read(bytes, at, bytes.length - at, at);
        if (bytesRead === 0) throw new ChangedWhileReadingError();
        at += bytesRead;
      }
      return bytes;
    } finally {
      await handle.close();
    }
  }
}

export class ChangedWhileReadingError extends Error {
  constructor() {
    super('the file changed while it was being read; try again');
    this.name = 'ChangedWhileReadingError';
  }
}

/**
 * A file the user chose (a run log, a CSV, a design): measured and read through one descriptor, so
 * the size checked is the size read, and a file larger than `maxBytes` is refused without reading it.
 */
export async function readChosenFile(
  path: string,
  maxBytes: number,
): Promise<{ kind: 'read'; bytes: Uint8Array } | { kind: 'too-large'; bytes: number } | { kind: 'not-a-file' }> {
  // Non-blocking, so a FIFO or device named as a file is refused instead of hanging the open.
  const handle = await fs.open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { kind: 'not-a-file' };
    if (info.size > maxBytes) return { kind: 'too-large', bytes: info.size };
    const bytes = new Uint8Array(info.size);
    let at = 0;
    while (at < bytes.length) {
      const { bytesRead } = await handle.read(bytes, at, bytes.length - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return { kind: 'read', bytes: at === bytes.length ? bytes : bytes.subarray(0, at) };
  } finally {
    await handle.close();
  }
}

/**
 * The weight files a manifest in `folder` names, for src/import: measured through `stat` (links
 * resolved and confined to the folder) and read only once the importer has checked the total.
 */
export async function weightFilesIn(folder: string): Promise<WeightFiles> {
  const confined = await ConfinedFolder.open(folder);
  const measured = new Map<string, Extract<ConfinedEntry, { kind: 'file' }>>();
  return {
    measure: async (path) => {
      const entry = await confined.stat(path);
      if (entry.kind === 'refused') return { refused: entry.reason };
      measured.set(path, entry);
      return { bytes: entry.bytes };
    },
    read: async (path) => {
      const entry = measured.get(path);
      if (!entry) throw new Error('read before it was measured');
      return confined.read(entry);
    },
  };
}
