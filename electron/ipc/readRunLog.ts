import { basename } from 'node:path';
import type { InvokeReply } from '../../src/protocol/ipc';
import { MAX_RUN_LOG_BYTES } from '../../src/protocol/runLog';
import { formatBytes } from '../../src/protocol/runLogFile';
import { describeFsError } from '../files/designFiles';
import { readChosenFile } from '../../node/confinedFolder';
import { decodeTextFile } from '../../src/protocol/textFile';

/**
 * Reads a run log the user chose, whole, as text: the size is checked before reading so a huge file
 * is refused rather than loaded, and the renderer parses the lines (it shows the errors).
 */
export async function readRunLogFile(path: string, maxBytes = MAX_RUN_LOG_BYTES): Promise<InvokeReply<'runlog:open'>> {
  const name = basename(path);
  try {
    // Measured and read through one descriptor: the size checked is the size read.
    const read = await readChosenFile(path, maxBytes);
    if (read.kind === 'not-a-file') return { status: 'error', message: `${name}: not a file` };
    if (read.kind === 'too-large')
      return { status: 'error', message: `${name}: ${formatBytes(read.bytes)} is larger than a run log may be (at most ${formatBytes(maxBytes)})` };
    const decoded = decodeTextFile(read.bytes, name, 'a run log');
    return decoded.ok ? { status: 'opened', name, text: decoded.text } : { status: 'error', message: decoded.message };
  } catch (error) {
    return { status: 'error', message: `${name} could not be read: ${describeFsError(error)}` };
  }
}
