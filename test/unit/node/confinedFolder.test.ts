import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfinedFolder, LINK_OUTSIDE, weightFilesIn } from '../../../node/confinedFolder';
import { ImportError, readWeights, type WeightFiles } from '../../../src/import';

const base = mkdtempSync(join(tmpdir(), 'rescanvas-confined-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const model = join(base, 'model');
const outside = join(base, 'outside');
mkdirSync(join(model, 'shards'), { recursive: true });
mkdirSync(outside);
writeFileSync(join(model, 'weights.bin'), new Uint8Array(16));
writeFileSync(join(model, 'shards', 'a.bin'), new Uint8Array(8));
writeFileSync(join(outside, 'secret.bin'), new Uint8Array(12_345));
symlinkSync('/', join(model, 'root'));
symlinkSync(join(outside, 'secret.bin'), join(model, 'linked.bin'));
symlinkSync(join(outside, 'missing.bin'), join(model, 'dangling.bin'));
symlinkSync(outside, join(model, 'outdir'));
symlinkSync('shards/a.bin', join(model, 'inside-link.bin'));
symlinkSync('shards', join(model, 'inside-dir'));

describe('ConfinedFolder resolves paths by where they lead, not how they are spelled', () => {
  it('reads files inside the folder, through links that stay inside', async () => {
    const folder = await ConfinedFolder.open(model);
    for (const [path, bytes] of [
      ['weights.bin', 16],
      ['shards/a.bin', 8],
      ['./shards//a.bin', 8],
      ['inside-link.bin', 8],
      ['inside-dir/a.bin', 8],
    ] as const) {
      const entry = await folder.stat(path);
      expect(entry, path).toMatchObject({ kind: 'file', bytes });
      if (entry.kind === 'file') expect((await folder.read(entry)).byteLength).toBe(bytes);
    }
  });

  it('refuses every link out of the folder with one sentence, whatever lies behind it', async () => {
    const folder = await ConfinedFolder.open(model);
    const reasons = await Promise.all(
      ['root/etc/passwd', 'root/no/such/file', 'linked.bin', 'dangling.bin', 'outdir/secret.bin', 'outdir/missing.bin', 'root'].map((p) => folder.stat(p)),
    );
    for (const r of reasons) expect(r).toEqual({ kind: 'refused', reason: LINK_OUTSIDE });
  });

  it('refuses lexical escapes, folders and missing files', async () => {
    const folder = await ConfinedFolder.open(model);
    expect(await folder.stat('../outside/secret.bin')).toMatchObject({ kind: 'refused', reason: expect.stringContaining('("..")') });
    expect(await folder.stat('/etc/passwd')).toMatchObject({ kind: 'refused', reason: expect.stringContaining('absolute') });
    expect(await folder.stat('file:///etc/passwd')).toMatchObject({ kind: 'refused', reason: expect.stringContaining('URL') });
    expect(await folder.stat('shards')).toEqual({ kind: 'refused', reason: 'is not a regular file' });
    expect(await folder.stat('nope.bin')).toEqual({ kind: 'refused', reason: 'was not found' });
    expect(await folder.stat('weights.bin/x')).toEqual({ kind: 'refused', reason: 'was not found' });
  });

  it('lists a folder for image readers: links inside followed, links out refused alike', async () => {
    const folder = await ConfinedFolder.open(model);
    const listed = await folder.list('');
    expect(listed).toEqual([
      { name: 'dangling.bin', kind: 'refused', reason: LINK_OUTSIDE },
      { name: 'inside-dir', kind: 'folder' },
      { name: 'inside-link.bin', kind: 'file' },
      { name: 'linked.bin', kind: 'refused', reason: LINK_OUTSIDE },
      { name: 'outdir', kind: 'refused', reason: LINK_OUTSIDE },
      { name: 'root', kind: 'refused', reason: LINK_OUTSIDE },
      { name: 'shards', kind: 'folder' },
      { name: 'weights.bin', kind: 'file' },
    ]);
    expect(await folder.list('inside-dir')).toEqual([{ name: 'a.bin', kind: 'file' }]);
    await expect(folder.list('outdir')).rejects.toThrow(LINK_OUTSIDE);
    await expect(folder.list('../outside')).rejects.toThrow('("..")');
  });

  it('refuses a file swapped for a link after it was measured', async () => {
    const dir = mkdtempSync(join(base, 'swap-'));
    writeFileSync(join(dir, 'w.bin'), new Uint8Array(4));
    const folder = await ConfinedFolder.open(dir);
    const entry = await folder.stat('w.bin');
    if (entry.kind !== 'file') throw new Error('expected a file');
    rmSync(join(dir, 'w.bin'));
    symlinkSync(join(outside, 'secret.bin'), join(dir, 'w.bin'));
    await expect(folder.read(entry)).rejects.toThrow();
  });
});

describe('readWeights measures every file against one budget before reading any', () => {
  const spec = (name: string, values: number) => ({ name, shape: [values], dtype: 'float32' });

  /** A WeightFiles over `sizes` that records every read. */
  function counting(sizes: Record<string, number>): WeightFiles & { reads: string[] } {
    const reads: string[] = [];
    return {
      reads,
      measure: async (path) => (path in sizes ? { bytes: sizes[path] } : { refused: 'was not found' }),
      read: async (path) => {
        reads.push(path);
        return new Uint8Array(sizes[path]);
      },
    };
  }

  async function message(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportError);
    return (error as Error).message;
  }

  it('one file listed 1,000 times is refused without a single read, in a short message', async () => {
    const files = counting({ 'big.bin': 8 * 1024 * 1024 });
    const manifest = [{ paths: Array.from({ length: 1000 }, () => 'big.bin'), weights: [spec('d/kernel', 2 * 1024 ** 3)] }];
    const text = await message(readWeights(manifest, files, 'model.json'));
    expect(text).toMatch(/names "big\.bin" 1000 times/);
    expect(text.length).toBeLessThan(1000);
    expect(files.reads).toEqual([]);
  });

  it('repeats count against the budget even when the manifest describes little', async () => {
    const files = counting({ 'a.bin': 600, 'b.bin': 600 });
    const manifest = [{ paths: ['a.bin', 'b.bin', 'a.bin'], weights: [spec('d/kernel', 450)] }];
    const text = await message(readWeights(manifest, files, 'model.json', 1000));
    expect(text).toMatch(/"a\.bin" 2 times/);
    expect(files.reads).toEqual([]);
    const distinct = counting({ 'a.bin': 600, 'b.bin': 600 });
    const text2 = await message(readWeights([{ paths: ['a.bin', 'b.bin'], weights: [spec('d/kernel', 250)] }], distinct, 'model.json', 1000));
    expect(text2).toMatch(/the weight files add up to 1200 bytes; an import reads at most 1000 bytes/);
    expect(distinct.reads).toEqual([]);
  });

  it('a group whose files do not hold exactly the described bytes is refused before reading', async () => {
    const files = counting({ 'w.bin': 8 * 1024 * 1024 });
    const text = await message(readWeights([{ paths: ['w.bin'], weights: [spec('d/kernel', 4)] }], files, 'model.json'));
    expect(text).toMatch(/w\.bin: 8388608 bytes, but the manifest describes 16 bytes/);
    expect(files.reads).toEqual([]);
  });

  it('10,000 missing files give a bounded message that counts the rest', async () => {
    const files = counting({});
    const manifest = [{ paths: Array.from({ length: 10_000 }, (_, i) => `${'x'.repeat(900)}-${i}.bin`), weights: [spec('d/kernel', 4)] }];
    const text = await message(readWeights(manifest, files, 'model.json'));
    expect(text).toMatch(/10000 problems/);
    expect(text).toMatch(/… and 9990 more/);
    expect(text.length).toBeLessThan(5000);
  });

  it('checks the dtype of optimizer weights too: a "string" pad or an unknown dtype is refused', async () => {
    const files = counting({ 'w.bin': 20 });
    const pad = (dtype: string) => [{ paths: ['w.bin'], weights: [spec('d/kernel', 4), { name: 'pad', shape: [4], dtype, group: 'optimizer' }] }];
    expect(await message(readWeights(pad('string'), files, 'model.json'))).toMatch(/weight "pad" has dtype "string", which a weights file cannot hold/);
    expect(await message(readWeights(pad('float128'), files, 'model.json'))).toMatch(/dtype "float128"/);
    expect(files.reads).toEqual([]);
    // A bool pad is legitimate optimizer state: 1 byte per value, and it is not imported.
    const ok = await readWeights(pad('bool'), files, 'model.json');
    expect([...ok.keys()]).toEqual(['d/kernel']);
  });

  it('through the confined folder: a manifest reaching /etc/passwd through a link is refused without revealing it', async () => {
    const manifest = [
      { paths: ['weights.bin'], weights: [spec('d/kernel', 4)] },
      { paths: ['root/etc/passwd'], weights: [{ name: 'pad', shape: [100], dtype: 'bool', group: 'optimizer' }] },
      { paths: ['linked.bin'], weights: [{ name: 'pad2', shape: [12_345], dtype: 'bool', group: 'optimizer' }] },
    ];
    const text = await message(readWeights(manifest, await weightFilesIn(model), 'model.json'));
    expect(text).toContain(`weights file "root/etc/passwd" named in the manifest ${LINK_OUTSIDE}`);
    expect(text).toContain(`weights file "linked.bin" named in the manifest ${LINK_OUTSIDE}`);
    expect(text).not.toContain('12345');
    expect(text).not.toMatch(/root:|bytes/);
  });
});
