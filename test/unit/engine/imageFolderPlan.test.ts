import { describe, expect, it } from 'vitest';
import { MAX_IMAGE_CLASSES, planImageFolder } from '../../../src/engine/datasets/images';
import { MemoryHost } from '../../../renderer/host/memory';

const file = (path: string, bytes = 100) => ({ path, bytes });

describe('planImageFolder', () => {
  it('groups files by class folder in name order and names what it leaves out', () => {
    const out = planImageFolder('pets', [
      file('dogs/b.PNG'),
      file('cats/a.jpg'),
      file('dogs/a.jpeg'),
      file('notes.txt'),
      file('cats/readme.md'),
      file('.git/x.png'),
    ]);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.plan.classNames).toEqual(['cats', 'dogs']);
    expect(out.plan.files.map((f) => [f.file.path, f.label])).toEqual([
      ['cats/a.jpg', 0],
      ['dogs/a.jpeg', 1],
      ['dogs/b.PNG', 1],
    ]);
    expect(out.plan.ignored).toEqual(['pets/notes.txt: not inside a class folder', 'pets/cats/readme.md: not a .png, .jpg or .jpeg file']);
    expect(out.plan.totalBytes).toBe(300);
  });

  it('refuses one class, an empty class, too many classes and a folder too large, before reading', () => {
    expect(planImageFolder('f', [file('a/1.png')])).toEqual({ ok: false, error: expect.stringContaining('found 1 class folder;') });
    expect(planImageFolder('f', [file('a/1.png'), file('b/notes.txt')])).toEqual({ ok: false, error: 'f: class folder "b" holds no PNG or JPEG images' });
    const many = Array.from({ length: MAX_IMAGE_CLASSES + 1 }, (_, i) => file(`c${i}/1.png`));
    expect(planImageFolder('f', many)).toEqual({
      ok: false,
      error: `f: ${MAX_IMAGE_CLASSES + 1} class folders; at most ${MAX_IMAGE_CLASSES} classes are supported`,
    });
    const big = Array.from({ length: 20 }, (_, i) => file(`${i % 2 ? 'a' : 'b'}/${i}.png`, 60 * 1024 ** 2));
    expect(planImageFolder('f', big)).toEqual({ ok: false, error: expect.stringContaining('at most 1 GB are read in the app') });
  });
});

describe('the in-memory host', () => {
  it('declares it has no folder dialog, so the UI offers its file input', async () => {
    expect(await new MemoryHost().pickImageFolder()).toEqual({ status: 'unsupported', message: expect.stringContaining('file input') });
  });
});
