/** Files for browsers without the File System Access API: an <input type=file> to open, downloads to save. */
import { RUN_LOG_ACCEPT, type BrowserFiles, type OpenKind, type WriteTarget } from './browserFiles';

export function downloadTarget(doc: Document, name: string): WriteTarget {
  return {
    name,
    async write(data) {
      const blob = new Blob([data as BlobPart], { type: name.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
      const url = URL.createObjectURL(blob);
      const link = doc.createElement('a');
      link.href = url;
      link.download = name;
      link.style.display = 'none';
      doc.body.append(link);
      link.click();
      link.remove();
      // Revoking at once can cancel the download in some browsers; a minute is plenty.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    },
  };
}

function pickWithInput(doc: Document, kind: OpenKind): Promise<File | null> {
  return new Promise((resolve) => {
    const input = doc.createElement('input');
    input.type = 'file';
    input.accept = kind === 'runlog' ? RUN_LOG_ACCEPT['application/jsonl'].join(',') : '.json,application/json';
    input.style.display = 'none';
    const done = (file: File | null): void => {
      input.remove();
      resolve(file);
    };
    input.addEventListener('change', () => done(input.files?.[0] ?? null), { once: true });
    input.addEventListener('cancel', () => done(null), { once: true });
    doc.body.append(input);
    input.click();
  });
}

export function downloadFiles(doc: Document): BrowserFiles {
  return {
    kind: 'download',
    async pickFileToOpen(kind = 'design') {
      const file = await pickWithInput(doc, kind);
      return file ? { file, target: null } : null;
    },
    async pickSaveTarget(suggestedName) {
      return downloadTarget(doc, suggestedName);
    },
    async pickFolder(suggestedName) {
      return { name: suggestedName, file: async (name) => downloadTarget(doc, name) };
    },
  };
}
