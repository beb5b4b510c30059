import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ExportedFile } from '../src/export';
import { UsageError } from './errors';
import { checkOutFile, checkOutFolder, partialName, sweepStalePartials, trackTemporary, writeFailure } from './files';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

function checkFileName(name: string): void {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name === '.' || name === '..') throw new Error(`refusing to write unexpected file name "${name}"`);
}

/**
 * Writes `files` as the folder `out`, all or nothing: into a temporary sibling first
 * (`.NAME.partial-<pid>-…`), renamed into place at the end. SIGINT/SIGTERM remove the temporary;
 * one that a SIGKILL left is swept by the next run.
 */
export async function writeFolderAtomically(out: string, files: ExportedFile[], force: boolean): Promise<void> {
  await checkOutFolder(out);
  const target = resolve(out);
  files.forEach((f) => checkFileName(f.name));
  try {
    await sweepStalePartials(target);
    if (await exists(target)) {
      if ((await readdir(target)).length && !force) throw new UsageError(`${out} already exists and is not empty; pass --force to replace it`);
    }
    await mkdir(dirname(target), { recursive: true });
  } catch (error) {
    throw writeFailure(out, error);
  }
  // Tracked before it exists: an interruption between creating the folder and tracking it would leave it behind.
  const temp = join(dirname(target), `${partialName(target)}${randomBytes(4).toString('hex')}`);
  const untrackTemp = trackTemporary(temp);
  try {
    await mkdir(temp, { mode: 0o700 });
  } catch (error) {
    untrackTemp();
    throw writeFailure(out, error);
  }
  const old = `${temp}-old`;
  const untrackOld = trackTemporary(old, target);
  try {
    // Private while it is written; the export is an ordinary folder once renamed.
    await chmod(temp, 0o755);
    for (const f of files) await writeFile(join(temp, f.name), f.data);
    if (await exists(target)) await rename(target, old);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if ((await exists(old)) && !(await exists(target))) await rename(old, target);
    untrackTemp();
    untrackOld();
    throw writeFailure(out, error);
  }
  untrackTemp();
  // The new output is in place: from here an interruption may only leave the old copy, never lose the new one.
  await rm(old, { recursive: true, force: true });
  untrackOld();
}

/**
 * Writes several files into one folder (e.g. a design and its weights sidecar), each through a
 * temporary name, renamed only once all are written; on any failure none of them is left behind.
 */
export async function writeFilesAtomically(out: string, files: ExportedFile[], force: boolean): Promise<string[]> {
  await checkOutFile(out, 'model.rescanvas.json');
  const folder = dirname(out);
  files.forEach((f) => checkFileName(f.name));
  const targets = files.map((f) => join(folder, f.name));
  for (const t of targets) {
    const info = await stat(t).catch(() => null);
    if (info && !info.isFile())
      throw new UsageError(`${t} exists and is not a regular file (${info.isDirectory() ? 'a folder' : 'a special file'}); choose another --out`);
  }
  if (!force) {
    const clashes = [];
    for (const t of targets) if (await exists(t)) clashes.push(t);
    if (clashes.length) throw new UsageError(`${clashes.join(', ')} already exist${clashes.length === 1 ? 's' : ''}; pass --force to replace`);
  }
  try {
    for (const t of targets) await sweepStalePartials(t);
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw writeFailure(out, error);
  }
  const temps = targets.map((t) => join(dirname(t), `${partialName(t)}file`));
  const untrack = temps.map((t) => trackTemporary(t));
  const existed = await Promise.all(targets.map(exists));
  const placed: number[] = [];
  try {
    for (const [i, f] of files.entries()) await writeFile(temps[i], f.data);
    // The design file is last in the list: renamed last, so it never points at missing weights.
    for (const [i, t] of targets.entries()) {
      await rename(temps[i], t);
      placed.push(i);
    }
  } catch (error) {
    // A sidecar without its design is litter: take back what this run created.
    for (const i of placed) if (!existed[i]) await rm(targets[i], { force: true });
    throw writeFailure(out, error);
  } finally {
    for (const t of temps) await rm(t, { force: true });
    untrack.forEach((u) => u());
  }
  return targets;
}
