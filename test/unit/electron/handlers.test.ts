import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch, makeSenderCheck, type SenderInfo } from '../../../electron/ipc/dispatch';
import { createHandlers } from '../../../electron/ipc/handlers';
import { serializeDesign } from '../../../src/graph/parse';
import { OpenResult, ReplyEnvelope, RunLogOpenResult, SaveResult } from '../../../src/protocol/ipc';
import { makeContext } from './handlerContext';
import { sampleDesign, tempDir } from './support';

const APP = 'app://rescanvas';
const page: SenderInfo = { url: `${APP}/index.html`, isMainFrame: true, isAppWindow: true };

function setup() {
  const dir = tempDir();
  const ctx = makeContext(join(dir, 'appdata'));
  const handlers = createHandlers(ctx);
  const call = async (channel: string, payload?: unknown, sender: SenderInfo | null = page): Promise<ReplyEnvelope> =>
    ReplyEnvelope.parse(await dispatch(handlers, makeSenderCheck(APP), channel, sender, structuredClone(payload)));
  const value = async (channel: string, payload?: unknown): Promise<unknown> => {
    const reply = await call(channel, payload);
    if (!reply.ok) throw new Error(reply.error);
    return reply.value;
  };
  return { dir, ctx, call, value };
}

const snapshot = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

describe('design:open', () => {
  it('opens the file the user picked and returns a handle, not a path', async () => {
    const { dir, ctx, value } = setup();
    const file = join(dir, 'net.rescanvas.json');
    writeFileSync(file, serializeDesign(sampleDesign('Net')));
    ctx.dialogs.open.push(file);
    const result = OpenResult.parse(await value('design:open'));
    expect(result.status).toBe('opened');
    if (result.status !== 'opened') return;
    expect(result.file.name).toBe('net.rescanvas.json');
    expect(result.file.design.metadata.name).toBe('Net');
    expect(result.file.handle).toMatch(/^file-[0-9a-f]{32}$/);
    expect(JSON.stringify(result)).not.toContain(dir);
    expect(ctx.used).toEqual([file]);
  });

  it('reports a corrupt file clearly and changes nothing on disk', async () => {
    const { dir, ctx, value } = setup();
    const file = join(dir, 'broken.rescanvas.json');
    writeFileSync(file, '{"format": "rescanvas.design", "version": 1, "nodes": [');
    const before = snapshot(dir);
    ctx.dialogs.open.push(file);
    const result = OpenResult.parse(await value('design:open'));
    expect(result).toMatchObject({ status: 'error' });
    if (result.status === 'error') expect(result.message).toMatch(/^broken\.rescanvas\.json could not be opened: not valid JSON/);
    expect(snapshot(dir)).toEqual(before);
    expect(readFileSync(file, 'utf8')).toContain('"nodes": [');
  });

  it.each([
    ['a foreign JSON file', '{"name": "my-package", "version": "1.0.0"}', /not a ResCanvas design/],
    ['a binary file', Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x92]), /not a text file/],
    ['an empty file', '', /not valid JSON/],
  ])('reports %s clearly', async (_what, content, message) => {
    const { dir, ctx, value } = setup();
    const file = join(dir, 'thing.json');
    writeFileSync(file, content);
    ctx.dialogs.open.push(file);
    const result = OpenResult.parse(await value('design:open'));
    expect(result.status).toBe('error');
    if (result.status === 'error') expect(result.message).toMatch(message);
  });

  it('leaves the unsaved-work question to the renderer (no second dialog)', async () => {
    const { ctx, value } = setup();
    ctx.document.dirty = true;
    ctx.dialogs.open.push(null);
    expect(await value('design:open')).toEqual({ status: 'cancelled' });
    expect(ctx.dialogs.shown).toEqual(['open']);
  });

  it('returns cancelled when the dialog is cancelled', async () => {
    const { ctx, value } = setup();
    ctx.dialogs.open.push(null);
    expect(await value('design:open')).toEqual({ status: 'cancelled' });
  });

  it('refuses a payload where none is expected', async () => {
    const { call } = setup();
    expect(await call('design:open', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: expect.stringMatching(/invalid request on design:open/) });
  });
});

describe('runlog:open', () => {
  it('reads the run log the user picked, issuing no handle and changing nothing on disk', async () => {
    const { dir, ctx, value } = setup();
    const file = join(dir, 'run.jsonl');
    writeFileSync(file, '{"kind":"run"}\n{"kind":"stats"}\n');
    const before = snapshot(dir);
    ctx.dialogs.runLog.push(file);
    expect(RunLogOpenResult.parse(await value('runlog:open'))).toEqual({ status: 'opened', name: 'run.jsonl', text: '{"kind":"run"}\n{"kind":"stats"}\n' });
    expect(ctx.dialogs.shown).toEqual(['run-log']);
    expect(ctx.used).toEqual([]);
    expect(snapshot(dir)).toEqual(before);
  });

  it.each([
    ['a binary file', Buffer.from([0x7b, 0xff, 0xfe, 0x00]), /^thing\.jsonl: not a text file \(invalid UTF-8\), so not a run log$/],
    ['a file over the size limit', 'x'.repeat(65), /^thing\.jsonl: 65 bytes is larger than a run log may be \(at most 64 bytes\)$/],
  ])('refuses %s clearly', async (_what, content, message) => {
    const { dir, ctx, value } = setup();
    ctx.maxRunLogBytes = 64;
    writeFileSync(join(dir, 'thing.jsonl'), content);
    ctx.dialogs.runLog.push(join(dir, 'thing.jsonl'));
    expect(RunLogOpenResult.parse(await value('runlog:open'))).toEqual({ status: 'error', message: expect.stringMatching(message) });
  });

  it('reports a folder or a vanished file, and a cancelled dialog', async () => {
    const { dir, ctx, value } = setup();
    mkdirSync(join(dir, 'folder.jsonl'));
    ctx.dialogs.runLog.push(join(dir, 'folder.jsonl'), join(dir, 'gone.jsonl'), null);
    expect(await value('runlog:open')).toEqual({ status: 'error', message: 'folder.jsonl: not a file' });
    expect(await value('runlog:open')).toEqual({ status: 'error', message: 'gone.jsonl could not be read: the file or its folder does not exist' });
    expect(await value('runlog:open')).toEqual({ status: 'cancelled' });
  });

  it('refuses a payload (a path) and foreign senders before showing a dialog', async () => {
    const { ctx, call } = setup();
    expect(await call('runlog:open', '/etc/passwd')).toMatchObject({ ok: false, error: expect.stringMatching(/invalid request on runlog:open/) });
    expect(await call('runlog:open', undefined, { url: 'https://evil.example/', isMainFrame: true, isAppWindow: true })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/did not come from the app's own page/),
    });
    expect(ctx.dialogs.shown).toEqual([]);
  });
});

describe('design:save', () => {
  it('saves as, then saves again to the same handle keeping a backup', async () => {
    const { dir, ctx, value } = setup();
    ctx.document.name = 'Net';
    ctx.dialogs.save.push(join(dir, 'net'));
    const first = SaveResult.parse(await value('design:save', { design: sampleDesign('v1'), handle: null }));
    expect(ctx.dialogs.shown).toEqual(['save:Net.rescanvas']);
    expect(first.status).toBe('saved');
    if (first.status !== 'saved') return;
    expect(first.file.name).toBe('net.rescanvas');
    const file = join(dir, 'net.rescanvas');
    expect(JSON.parse(readFileSync(file, 'utf8')).metadata.name).toBe('v1');

    const second = SaveResult.parse(await value('design:save', { design: sampleDesign('v2'), handle: first.file.handle }));
    expect(second).toEqual(first);
    expect(JSON.parse(readFileSync(file, 'utf8')).metadata.name).toBe('v2');
    expect(JSON.parse(readFileSync(`${file}.bak`, 'utf8')).metadata.name).toBe('v1');
  });

  it.each([
    ['a path instead of a handle', '../../etc/passwd'],
    ['an absolute path', '/etc/passwd'],
    ['a huge string', 'x'.repeat(5_000_000)],
    ['a number', 42],
  ])('refuses %s as handle without touching any file', async (_what, handle) => {
    const { dir, call } = setup();
    const before = snapshot(dir);
    const reply = await call('design:save', { design: sampleDesign(), handle });
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error).toMatch(/invalid request on design:save: handle/);
      expect(reply.error.length).toBeLessThan(2000);
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses a well-formed handle it never issued', async () => {
    const { value } = setup();
    const result = SaveResult.parse(await value('design:save', { design: sampleDesign(), handle: `file-${'0'.repeat(32)}` }));
    expect(result).toMatchObject({ status: 'error', message: expect.stringMatching(/not one this window opened or saved/) });
  });

  it('refuses an invalid design and says where', async () => {
    const { call } = setup();
    const design = { ...sampleDesign(), nodes: [{ id: '1bad', type: 'Dense', params: {} }] };
    const reply = await call('design:save', { design, handle: null });
    expect(reply).toMatchObject({ ok: false, error: expect.stringMatching(/design\.nodes\.0\.id/) });
  });

  it('reports a failed write and leaves the existing file and its backup as they were', async () => {
    const { dir, ctx, value } = setup();
    const file = join(dir, 'net.rescanvas.json');
    ctx.dialogs.save.push(file);
    const saved = SaveResult.parse(await value('design:save', { design: sampleDesign('v1'), handle: null }));
    if (saved.status !== 'saved') throw new Error('setup failed');
    const before = readFileSync(file, 'utf8');
    // A non-empty folder where the backup must go makes the save fail midway, even for root.
    mkdirSync(join(dir, 'net.rescanvas.json.bak', 'occupied'), { recursive: true });
    const result = SaveResult.parse(await value('design:save', { design: sampleDesign('v2'), handle: saved.file.handle }));
    expect(result).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/^net\.rescanvas\.json could not be saved \(the previous version is unchanged\)/),
    });
    expect(readdirSync(dir).sort()).toEqual(['net.rescanvas.json', 'net.rescanvas.json.bak']);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('design:export', () => {
  it('writes a multi-file bundle inside the chosen folder', async () => {
    const { dir, ctx, value } = setup();
    ctx.dialogs.exportFolder.push(dir);
    const bundle = {
      suggestedName: 'model',
      files: [
        { name: 'model.json', data: '{"format":"layers-model"}' },
        { name: 'weights.bin', data: new Uint8Array([1, 2, 3]) },
      ],
    };
    expect(SaveResult.parse(await value('design:export', bundle)).status).toBe('saved');
    expect(readFileSync(join(dir, 'model.json'), 'utf8')).toBe('{"format":"layers-model"}');
    expect([...readFileSync(join(dir, 'weights.bin'))]).toEqual([1, 2, 3]);
  });

  it('writes a single file where the user chose', async () => {
    const { dir, ctx, value } = setup();
    ctx.dialogs.exportFile.push(join(dir, 'keras.json'));
    await value('design:export', { suggestedName: 'keras', files: [{ name: 'model.json', data: '{}' }] });
    expect(ctx.dialogs.shown).toEqual(['export-file:model.json']);
    expect(readFileSync(join(dir, 'keras.json'), 'utf8')).toBe('{}');
  });

  it.each(['../../etc/passwd', '..', 'a/b.json', 'a\\b.json', '', 'x'.repeat(300)])('refuses the file name %j before any dialog', async (name) => {
    const { dir, ctx, call } = setup();
    const before = snapshot(dir);
    const reply = await call('design:export', { suggestedName: 'model', files: [{ name, data: 'x' }] });
    expect(reply).toMatchObject({ ok: false, error: expect.stringMatching(/invalid request on design:export: files\.0\.name/) });
    expect(ctx.dialogs.shown).toEqual([]);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('recovery', () => {
  it('writes, reads back and clears unsaved work', async () => {
    const { ctx, value } = setup();
    const entry = { design: sampleDesign('unsaved'), name: 'net.rescanvas.json', savedAt: new Date().toISOString() };
    expect(await value('recovery:read')).toBeNull();
    expect(await value('recovery:write', entry)).toBeNull();
    expect(existsSync(ctx.recovery.path)).toBe(true);
    expect(await value('recovery:read')).toEqual(entry);
    await value('recovery:clear');
    expect(await value('recovery:read')).toBeNull();
  });

  it('refuses a recovery entry that is not a design', async () => {
    const { ctx, call } = setup();
    const reply = await call('recovery:write', { design: { format: 'other' }, name: 'x', savedAt: 'yesterday' });
    expect(reply.ok).toBe(false);
    expect(existsSync(ctx.recovery.path)).toBe(false);
  });

  it('moves an unreadable recovery file aside instead of deleting it', async () => {
    const { ctx, value } = setup();
    await ctx.recovery.write({ design: sampleDesign(), name: 'a', savedAt: new Date().toISOString() });
    writeFileSync(ctx.recovery.path, '{"design": garbage');
    expect(await value('recovery:read')).toBeNull();
    expect(readdirSync(ctx.recovery.dir).some((n) => n.startsWith('recovery-unreadable-'))).toBe(true);
  });
});

describe('document:state', () => {
  it("updates main's copy of the document state", async () => {
    const { ctx, value } = setup();
    await value('document:state', { name: 'net.rescanvas.json', dirty: true });
    expect(ctx.document).toEqual({ name: 'net.rescanvas.json', dirty: true });
    expect(ctx.states).toEqual([{ name: 'net.rescanvas.json', dirty: true }]);
  });

  it.each([
    [{ name: 'x', dirty: 'yes' }],
    [{ name: 'x' }],
    [null],
    ['dirty'],
    [{ name: 'x', dirty: true, extra: 1 }],
    [{ name: 'y'.repeat(2000), dirty: true }],
  ])('refuses %j', async (payload) => {
    const { ctx, call } = setup();
    expect((await call('document:state', payload)).ok).toBe(false);
    expect(ctx.document).toEqual({ name: '', dirty: false });
  });
});

describe('dispatch', () => {
  it.each(['shell:openExternal', 'fs:readFile', '__proto__', 'constructor', 'toString', ''])('refuses the unknown channel %j', async (channel) => {
    const { call } = setup();
    expect(await call(channel, {})).toMatchObject({ ok: false, error: expect.stringMatching(/^unknown channel/) });
  });

  it.each<[string, SenderInfo | null]>([
    ['a remote page', { url: 'https://evil.example/', isMainFrame: true, isAppWindow: true }],
    ['a subframe', { url: `${APP}/index.html`, isMainFrame: false, isAppWindow: true }],
    ['another window', { url: `${APP}/index.html`, isMainFrame: true, isAppWindow: false }],
    ['a file:// page', { url: 'file:///etc/passwd', isMainFrame: true, isAppWindow: true }],
    ['a destroyed frame', null],
  ])('refuses requests from %s before looking at the payload', async (_what, sender) => {
    const { ctx, call } = setup();
    ctx.dialogs.open.push('/etc/passwd');
    expect(await call('design:open', undefined, sender)).toMatchObject({ ok: false, error: expect.stringMatching(/did not come from the app's own page/) });
    expect(ctx.dialogs.shown).toEqual([]);
  });

  it('turns a failing handler into an error reply', async () => {
    const { ctx, call } = setup();
    ctx.dialogs.chooseDesignToOpen = async () => {
      throw new Error('dialog exploded');
    };
    expect(await call('design:open')).toEqual({ ok: false, error: 'design:open failed: dialog exploded' });
  });

  it('keeps permissions of saved files ordinary', async () => {
    const { dir, ctx, value } = setup();
    ctx.dialogs.save.push(join(dir, 'p.rescanvas.json'));
    await value('design:save', { design: sampleDesign(), handle: null });
    expect(statSync(join(dir, 'p.rescanvas.json')).mode & 0o777).toBe(0o644 & ~process.umask());
  });
});
