/**
 * Lists and reads an image folder the user chose in the native dialog, through ConfinedFolder: a
 * link that leads out of the folder is refused (named, with one sentence whatever it points at),
 * and every file is measured and the folder's plan checked (classes, counts, total size) before a
 * byte of any image is read.
 */
import { basename } from 'node:path';
import { planImageFolder, type FolderFile } from '../../src/engine/datasets/images';
import type { InvokeReply } from '../../src/protocol/ipc';
import { ConfinedFolder, type ConfinedEntry } from '../../node/confinedFolder';

type Reply = InvokeReply<'images:pick'>;
type Measured = FolderFile & { entry: Extract<ConfinedEntry, { kind: 'file' }> };

export async function readImageFolder(path: string): Promise<Reply> {
  const name = basename(path);
  let folder: ConfinedFolder;
  try {
    folder = await ConfinedFolder.open(path);
  } catch (error) {
    return { status: 'error', message: `${name} could not be opened: ${error instanceof Error ? error.message : String(error)}` };
  }
  const refused: string[] = [];
  const measured: Measured[] = [];
  try {
    for (const top of await folder.list('')) {
      if (top.name.startsWith('.')) continue;
      if (top.kind === 'refused') refused.push(`${name}/${top.name} ${top.reason ?? ''}`.trim());
      if (top.kind === 'file') {
        // Planned (and named as outside any class folder) without being read.
        measured.push({ path: top.name, bytes: 0, entry: { kind: 'file', bytes: 0, realPath: '', dev: 0, ino: 0 } });
      }
      if (top.kind !== 'folder') continue;
      for (const inner of await folder.list(top.name)) {
        const rel = `${top.name}/${inner.name}`;
        if (inner.name.startsWith('.')) continue;
        if (inner.kind === 'refused') refused.push(`${name}/${rel} ${inner.reason ?? ''}`.trim());
        if (inner.kind !== 'file') continue;
        const entry = await folder.stat(rel);
        if (entry.kind === 'refused') refused.push(`${name}/${rel} ${entry.reason}`);
        else measured.push({ path: rel, bytes: entry.bytes, entry });
      }
    }
  } catch (error) {
    return { status: 'error', message: `${name} could not be listed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const planned = planImageFolder(name, measured);
  if (!planned.ok) return { status: 'error', message: planned.error };
  const files: { path: string; bytes: Uint8Array<ArrayBuffer> }[] = [];
  for (const { file } of planned.plan.files) {
    try {
      // ConfinedFolder.read allocates a plain ArrayBuffer per file.
      files.push({ path: file.path, bytes: (await folder.read(file.entry)) as Uint8Array<ArrayBuffer> });
    } catch (error) {
      refused.push(`${name}/${file.path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { status: 'picked', name, files, refused: [...refused, ...planned.plan.ignored] };
}
