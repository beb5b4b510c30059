import { promises as fs } from 'node:fs';
import type { z } from 'zod';
import { join } from 'node:path';
import { parseRecoveryText, RecoveryEntry } from '../../src/protocol/ipc';
import { writeFileAtomic } from './atomicWrite';

type RecoveryEntry = z.infer<typeof RecoveryEntry>;

/**
 * Unsaved work, written to the app-data folder every few seconds by the renderer and offered back
 * at the next start. One slot: the app has one window and one document.
 */
export class RecoveryStore {
  readonly path: string;

  constructor(readonly dir: string) {
    this.path = join(dir, 'recovery.json');
  }

  async write(entry: RecoveryEntry): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    await writeFileAtomic(this.path, JSON.stringify(entry));
  }

  /**
   * A recovery file that no longer parses (a different version wrote it, the disk lied) is moved
   * aside rather than deleted: it may still hold someone's work worth rescuing by hand.
   */
  async read(): Promise<RecoveryEntry | null> {
    let text: string;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch {
      return null;
    }
    const entry = parseRecoveryText(text);
    if (entry) return entry;
    await fs.rename(this.path, join(this.dir, `recovery-unreadable-${Date.now()}.json`)).catch(() => undefined);
    return null;
  }

  async clear(): Promise<void> {
    await fs.rm(this.path, { force: true });
  }
}
