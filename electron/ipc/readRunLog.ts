import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import type { InvokeReply } from '../../src/protocol/ipc';
import { MAX_RUN_LOG_BYTES } from '../../src/protocol/runLog';
import { formatBytes } from '../../src/protocol/runLogFile';
import { describeFsError } from '../files/designFiles';

/**
 * Reads a run log the user chose, whole, as text: the size is checked before reading so a huge file
 * is refused rather than loaded, and the renderer parses the lines (it shows the errors).
 */
export async function readRunLogFile(path: string, maxBytes = MAX_RUN_LOG_BYTES): Promise<InvokeReply<'runlog:open'>> {
  const name = basename(path);
  try {
    const stat = await fs.stat(path);
    if (!stat.isFile()) return { status: 'error', message: `${name}: not a file` };
    if (stat.size > maxBytes) return { status: 'error', message: `${name}: ${formatBytes(stat.size)} is larger than a run log may be (at most ${formatBytes(maxBytes)})` };
    const bytes = await fs.readFile(path);
    try {
      return { status: 'opened', name, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      return { status: 'error', message: `${name}: not a text file (invalid UTF-8), so not a run log` };
    }
  } catch (error) {
    return { status: 'error', message: `${name} could not be read: ${describeFsError(error)}` };
  }
}
