import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** Keep the file being replaced as `<name>.bak` beside it. */
  keepBackup?: boolean;
  /**
   * Runs after the new content is on disk in the temporary file and before anything is renamed:
   * the window in which a crash must leave the old file untouched. Tests fail or kill here.
   */
  beforeCommit?: () => Promise<void> | void;
}

export const backupPathOf = (target: string): string => `${target}.bak`;

/**
 * Replaces `target` so that at every instant it holds either the complete old or the complete new
 * content: write a temporary file in the same directory (rename is only atomic within one file
 * system), fsync it, then rename it over the target. With `keepBackup` the old content is first
 * copied to `.bak`, by the same temp-and-rename dance, so the backup is never half-written either.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(target);
  const temp = tempPathFor(target);
  let backupTemp: string | null = null;
  try {
    await writeAndSync(temp, data);
    await options.beforeCommit?.();
    if (options.keepBackup && (await isFile(target))) {
      backupTemp = tempPathFor(backupPathOf(target));
      await fs.copyFile(target, backupTemp);
      await syncFile(backupTemp);
      await fs.rename(backupTemp, backupPathOf(target));
      backupTemp = null;
    }
    await fs.rename(temp, target);
    await syncDirectory(dir);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    if (backupTemp) await fs.rm(backupTemp, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** Hidden, unique and recognisable, so a crash's leftovers are easy to spot and never collide. */
function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

async function writeAndSync(path: string, data: string | Uint8Array): Promise<void> {
  // 'wx' refuses to follow a planted symlink or reuse an existing file.
  const handle = await fs.open(path, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncFile(path: string): Promise<void> {
  const handle = await fs.open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes the rename itself durable. Windows cannot open directories; there the rename is enough. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems (network mounts) reject fsync on directories; the data is still written.
  } finally {
    await handle.close();
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await fs.stat(path)).isFile();
  } catch {
    return false;
  }
}
