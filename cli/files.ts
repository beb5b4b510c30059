import { existsSync, renameSync, rmSync } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { decodeTextFile } from '../src/protocol/textFile';
import { readChosenFile } from '../node/confinedFolder';
import { UsageError } from './errors';

/** A file-system error code in the user's words. */
export function describeFsCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const known: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a folder',
    ENOTDIR: 'a part of the path is not a folder',
    ENOSPC: 'the disk is full',
    EROFS: 'the disk is read-only',
    EEXIST: 'it already exists',
    ENAMETOOLONG: 'the name is too long',
    EXDEV: 'it is on another disk',
    EINVAL: 'the path is not valid here',
    EBUSY: 'it is in use',
  };
  return known[code] ? `${known[code]} (${code})` : code || (error instanceof Error ? error.message : String(error));
}

/**
 * A text file the user named: at most `maxBytes` (measured on the open file, before reading),
 * UTF-8 with an optional BOM, refused when it is not valid UTF-8.
 */
export async function readTextFile(path: string, maxBytes: number, what: string): Promise<string> {
  if (path === '') throw new UsageError(`no path given for ${what}`);
  let read;
  try {
    read = await readChosenFile(path, maxBytes);
  } catch (error) {
    throw new UsageError(`${path}: cannot read ${what}: ${describeFsCode(error)}`);
  }
  if (read.kind === 'not-a-file') throw new UsageError(`${path}: not a file, so not ${what}`);
  if (read.kind === 'too-large')
    throw new UsageError(`${path}: ${(read.bytes / 1048576).toFixed(1)} MB is larger than ${what} may be (at most ${Math.round(maxBytes / 1048576)} MB)`);
  const decoded = decodeTextFile(read.bytes, path, what);
  if (!decoded.ok) throw new UsageError(decoded.message);
  return decoded.text;
}

/**
 * Temporary outputs of this process, each with where to put it back if it is the user's previous
 * output moved aside: removed (or put back) on SIGINT/SIGTERM, and by the sweep of a later run if
 * SIGKILL left them.
 */
const temporaries = new Map<string, string | undefined>();
let handlersInstalled = false;

function removeTemporariesAndExit(signal: NodeJS.Signals): void {
  for (const [path, restoreTo] of temporaries) {
    if (restoreTo !== undefined && existsSync(path) && !existsSync(restoreTo)) renameSync(path, restoreTo);
    else rmSync(path, { recursive: true, force: true });
  }
  temporaries.clear();
  process.stderr.write(`\nrescanvas: interrupted (${signal}); nothing was written\n`);
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

/** Registers a temporary output; call the returned function once it is renamed into place or removed. */
export function trackTemporary(path: string, restoreTo?: string): () => void {
  if (!handlersInstalled) {
    handlersInstalled = true;
    process.on('SIGINT', removeTemporariesAndExit);
    process.on('SIGTERM', removeTemporariesAndExit);
  }
  temporaries.set(path, restoreTo);
  return () => {
    temporaries.delete(path);
  };
}

/** `.NAME.partial-<pid>-…`: the pid says whether the process that made it still runs. */
export function partialName(target: string): string {
  return `.${basename(target)}.partial-${process.pid}-`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what an earlier run killed with SIGKILL left beside `target`: `.NAME.partial-…` folders
 * and files whose process is gone (or that predate the pid in the name). A `…-old` copy of a
 * previous output is put back when the output itself is missing, so a kill mid-replace loses nothing.
 */
export async function sweepStalePartials(target: string): Promise<void> {
  const folder = dirname(resolve(target));
  const prefix = `.${basename(target)}.partial-`;
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = /^(\d+)-/.exec(name.slice(prefix.length));
    if (pid && Number(pid[1]) !== process.pid && alive(Number(pid[1]))) continue;
    if (pid && Number(pid[1]) === process.pid) continue;
    const path = join(folder, name);
    if (
      name.endsWith('-old') &&
      !(await stat(resolve(target)).then(
        () => true,
        () => false,
      ))
    )
      await rename(path, resolve(target)).catch(() => undefined);
    else await rm(path, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** `--out` for a folder to create: not empty, not a file, somewhere we can write. */
export async function checkOutFolder(out: string): Promise<void> {
  if (out.trim() === '') throw new UsageError('--out is empty; name the folder to create, e.g. --out out/model');
  const info = await stat(out).catch(() => null);
  if (info && !info.isDirectory()) throw new UsageError(`--out ${out} exists and is not a folder; choose another --out`);
}

/** `--out` for a file to write: not empty, not a folder. */
export async function checkOutFile(out: string, example: string): Promise<void> {
  if (out.trim() === '') throw new UsageError(`--out is empty; name the file to write, e.g. --out ${example}`);
  const info = await stat(out).catch(() => null);
  if (info?.isDirectory() || /[\\/]$/.test(out))
    throw new UsageError(`--out ${out} is a folder; name the file to write in it, e.g. --out ${join(out, example)}`);
  if (info && !info.isFile()) throw new UsageError(`--out ${out} exists and is not a regular file; choose another --out`);
}

/** An error while writing `out`, as a UsageError that names the place and the reason (exit 2, not "internal error"). */
export function writeFailure(out: string, error: unknown): Error {
  if (error instanceof UsageError) return error;
  if (typeof error === 'object' && error !== null && 'code' in error) return new UsageError(`cannot write --out ${out}: ${describeFsCode(error)}`);
  return error instanceof Error ? error : new Error(String(error));
}
