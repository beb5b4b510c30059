import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import type { Design } from '../../src/graph/design';
import { MAX_DESIGN_BYTES, parseDesignText, serializeDesign } from '../../src/graph/parse';
import { decodeTextFile } from '../../src/protocol/textFile';
import { writeFileAtomic } from './atomicWrite';

/**
 * The registered design file type (electron-builder.yml `fileAssociations`): one extension, as
 * Windows and macOS associate by the last one only. Designs saved as `*.rescanvas.json` (earlier
 * versions, the command line, the examples) still open.
 */
export const DESIGN_EXTENSION = '.rescanvas';

/** A file the app opens as a design: `.rescanvas`, or JSON (`x.rescanvas.json`, `x.json`). */
export function isDesignPath(path: string): boolean {
  return /\.(rescanvas|json)$/i.test(path);
}

/** `net.rescanvas`, `net.rescanvas.json`, `net.json` → `net`. */
export function designBaseName(name: string): string {
  return name.replace(/(\.rescanvas)?(\.json)?$/i, '');
}

export type ReadDesignResult = { ok: true; design: Design } | { ok: false; message: string };

/**
 * Reads and validates a design file. Never throws: a missing, huge, binary, foreign or corrupt
 * file becomes one message naming the file and the first problems, and nothing else changes.
 */
export async function readDesignFile(path: string): Promise<ReadDesignResult> {
  const name = basename(path);
  try {
    const stat = await fs.stat(path);
    if (!stat.isFile()) return { ok: false, message: `${name}: not a file` };
    if (stat.size > MAX_DESIGN_BYTES) {
      return { ok: false, message: `${name}: ${(stat.size / 1048576).toFixed(1)} MB is larger than any design (at most ${MAX_DESIGN_BYTES / 1048576} MB)` };
    }
    const decoded = decodeTextFile(await fs.readFile(path), name, 'a ResCanvas design');
    if (!decoded.ok) return { ok: false, message: decoded.message };
    const parsed = parseDesignText(decoded.text);
    if (!parsed.ok) {
      const shown = parsed.diagnostics.slice(0, 5).map((d) => d.message);
      const more = parsed.diagnostics.length > 5 ? ` (and ${parsed.diagnostics.length - 5} more problems)` : '';
      return { ok: false, message: `${name} could not be opened: ${shown.join('; ')}${more}` };
    }
    return { ok: true, design: parsed.design };
  } catch (error) {
    return { ok: false, message: `${name} could not be read: ${describeFsError(error)}` };
  }
}

/** Atomic, with the previous version kept as `.bak`. */
export async function writeDesignFile(path: string, design: Design, beforeCommit?: () => void | Promise<void>): Promise<void> {
  await writeFileAtomic(path, serializeDesign(design), { keepBackup: true, beforeCommit });
}

/** Save-as dialogs on Linux do not add extensions; keep files recognisable by the association. */
export function withDesignExtension(path: string): string {
  return isDesignPath(path) ? path : `${path}${DESIGN_EXTENSION}`;
}

export function describeFsError(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const known: Record<string, string> = {
    ENOENT: 'the file or its folder does not exist',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a folder',
    ENOSPC: 'the disk is full',
    EROFS: 'the disk is read-only',
  };
  return known[code] ?? (error instanceof Error ? error.message : String(error));
}
