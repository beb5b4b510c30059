import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImageFolder } from '../../../electron/ipc/readImageFolder';
import { LINK_OUTSIDE } from '../../../node/confinedFolder';

describe("the desktop host's image folder reader", () => {
  it('reads class folders, refuses a link out of the folder with the one sentence, and returns bytes', async () => {
    const base = mkdtempSync(join(tmpdir(), 'rescanvas-imgdir-'));
    const root = join(base, 'pets');
    mkdirSync(join(root, 'cats'), { recursive: true });
    mkdirSync(join(root, 'dogs'));
    writeFileSync(join(root, 'cats', 'a.png'), 'aa');
    writeFileSync(join(root, 'dogs', 'b.jpg'), 'bbb');
    writeFileSync(join(base, 'secret.png'), 'secret');
    symlinkSync(join(base, 'secret.png'), join(root, 'dogs', 'leak.png'));
    const out = await readImageFolder(root);
    expect(out.status).toBe('picked');
    if (out.status !== 'picked') return;
    expect(out.name).toBe('pets');
    expect(out.files.map((f) => [f.path, f.bytes.byteLength])).toEqual([
      ['cats/a.png', 2],
      ['dogs/b.jpg', 3],
    ]);
    expect(out.refused).toEqual([`pets/dogs/leak.png ${LINK_OUTSIDE}`]);
  });

  it('refuses a folder with one class before reading any file', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'rescanvas-imgdir-')), 'one');
    mkdirSync(join(root, 'only'), { recursive: true });
    writeFileSync(join(root, 'only', 'a.png'), 'a');
    expect(await readImageFolder(root)).toEqual({ status: 'error', message: expect.stringContaining('found 1 class folder') });
  });
});
