/**
 * The behaviour every Host must share, run against each implementation by its own test file.
 * A fixture plays the user (what the next dialog picks) and the disk (what ended up where).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Design } from '../../../src/graph/design';
import { parseDesignText, serializeDesign } from '../../../src/graph/parse';
import type { Host, OpenResult, RunLogResult } from '../../../renderer/host/host';

export interface HostFixture {
  host: Host;
  /** The next open dialog picks a file with this name and content. */
  userWillOpen(name: string, content: string): void;
  /** The next run-log open dialog picks a file with this name and content. */
  userWillOpenRunLog(name: string, content: string | Uint8Array): void;
  /** Lowers the largest run log the host reads, so the size check runs without a 512 MB file. */
  limitRunLogBytes(bytes: number): void;
  /** The next dialog of any kind is cancelled. */
  userWillCancel(): void;
  /** The next save dialog picks this file name. */
  userWillSaveAs(name: string): void;
  /** What is stored under that name now (null: nothing). */
  readSaved(name: string): Promise<string | null>;
  /** A fresh host over the same storage, as after a restart; 'none' for a host whose storage lives and dies with it. */
  restart: (() => Promise<Host>) | 'none';
  /**
   * Opens a file from outside the page (command line, double-click), or 'none' for a host that has no
   * such way in: the suite then checks that it delivers nothing, instead of skipping the case.
   */
  openFromOutside: ((name: string, content: string) => Promise<void>) | 'none';
  /** Whether a file the user opened comes with a handle to save back to (the web host's download fallback has none). */
  writesBack: boolean;
}

function expectStatus<R extends { status: string }, S extends R['status']>(result: R, status: S): asserts result is Extract<R, { status: S }> {
  expect(result.status).toBe(status);
  if (result.status !== status) throw new Error(`expected ${status}, got ${JSON.stringify(result)}`);
}

export function sampleDesign(name = 'Sample'): Design {
  const parsed = parseDesignText(readFileSync(join(__dirname, '../../../assets/examples/residual-mlp-20.rescanvas.json'), 'utf8'));
  if (!parsed.ok) throw new Error('example does not parse');
  return { ...parsed.design, metadata: { ...parsed.design.metadata, name } };
}

const savedName = async (f: HostFixture, name: string): Promise<string | undefined> => {
  const text = await f.readSaved(name);
  if (text === null) return undefined;
  const parsed = parseDesignText(text);
  return parsed.ok ? parsed.design.metadata.name : undefined;
};

export function hostContract(label: string, makeFixture: () => Promise<HostFixture>): void {
  describe(`${label} host contract`, () => {
    it('opens a valid design the user picks', async () => {
      const f = await makeFixture();
      f.userWillOpen('net.rescanvas.json', serializeDesign(sampleDesign('Net')));
      const result = await f.host.openDesign();
      expectStatus(result, 'opened');
      expect(result.file.name).toBe('net.rescanvas.json');
      expect(result.file.design).toEqual(sampleDesign('Net'));
    });

    it('returns cancelled when the user cancels the open dialog', async () => {
      const f = await makeFixture();
      f.userWillCancel();
      expect(await f.host.openDesign()).toEqual({ status: 'cancelled' });
    });

    it.each([
      ['truncated JSON', '{"format": "rescanvas.design", "version": 1, "nodes": [', /not valid JSON/],
      ['a foreign JSON file', '{"name": "some-package", "version": "1.0.0"}', /not a ResCanvas design/],
      ['a design with a bad layer', JSON.stringify({ ...sampleDesign(), nodes: [{ id: 'a', type: 'Hologram', params: {} }] }), /unknown layer type "Hologram"/],
    ])('reports %s with an error naming the file, and leaves the file alone', async (_what, content, pattern) => {
      const f = await makeFixture();
      f.userWillOpen('bad.json', content);
      const result = await f.host.openDesign();
      expect(result.status).toBe('error');
      if (result.status === 'error') {
        expect(result.message).toContain('bad.json');
        expect(result.message).toMatch(pattern);
      }
      expect(await f.readSaved('bad.json')).toBe(content);
    });

    it('opens a run log the user picks, returning its text unchanged and no handle to write to', async () => {
      const f = await makeFixture();
      const content = '{"kind":"run","designName":"Größe ✓"}\n{"kind":"stats"}\n';
      f.userWillOpenRunLog('run.jsonl', content);
      expect(await openedRunLog(await f.host.openRunLog())).toEqual({ status: 'opened', name: 'run.jsonl', text: content });
    });

    it('returns cancelled when the user cancels the run-log dialog', async () => {
      const f = await makeFixture();
      f.userWillCancel();
      expect(await f.host.openRunLog()).toEqual({ status: 'cancelled' });
    });

    it('refuses a run log over the size limit with an error naming the file and the limit', async () => {
      const f = await makeFixture();
      const content = `${'{"kind":"stats"}\n'.repeat(100)}`;
      f.limitRunLogBytes(content.length - 1);
      f.userWillOpenRunLog('huge.jsonl', content);
      const result = await f.host.openRunLog();
      expect(result).toEqual({
        status: 'error',
        message: `huge.jsonl: ${content.length} bytes is larger than a run log may be (at most ${content.length - 1} bytes)`,
      });
      f.limitRunLogBytes(content.length);
      f.userWillOpenRunLog('huge.jsonl', content);
      expect(await openedRunLog(await f.host.openRunLog())).toMatchObject({ status: 'opened', text: content });
    });

    it('saves as, then saves again through the returned handle without asking', async () => {
      const f = await makeFixture();
      f.userWillSaveAs('mine.rescanvas.json');
      const first = await f.host.saveDesign(sampleDesign('v1'), null);
      expectStatus(first, 'saved');
      expect(first.file.name).toBe('mine.rescanvas.json');
      expect(await savedName(f, 'mine.rescanvas.json')).toBe('v1');
      // No save dialog is scripted now: a host that asked again would fail here.
      const second = await f.host.saveDesign(sampleDesign('v2'), first.file.handle);
      expect(second).toMatchObject({ status: 'saved', file: { name: 'mine.rescanvas.json' } });
      expect(await savedName(f, 'mine.rescanvas.json')).toBe('v2');
    });

    it('saves back to a file it opened, or says it cannot by giving no handle', async () => {
      const f = await makeFixture();
      f.userWillOpen('net.rescanvas.json', serializeDesign(sampleDesign('old')));
      const opened = await f.host.openDesign();
      expectStatus(opened, 'opened');
      if (!f.writesBack) {
        // Without a handle the app's Save becomes Save As; the file on disk stays as it was.
        expect(opened.file.handle).toBeNull();
        expect(await savedName(f, 'net.rescanvas.json')).toBe('old');
        return;
      }
      expect(opened.file.handle).not.toBeNull();
      expect(await f.host.saveDesign(sampleDesign('new'), opened.file.handle)).toMatchObject({ status: 'saved' });
      expect(await savedName(f, 'net.rescanvas.json')).toBe('new');
    });

    it.each(['../../etc/passwd', '/etc/passwd', `file-${'0'.repeat(32)}`, 'x'.repeat(100_000)])(
      'refuses to save to the handle %s it never issued',
      async (handle) => {
        const f = await makeFixture();
        const result = await f.host.saveDesign(sampleDesign(), handle.slice(0, 100_000));
        expect(result.status).toBe('error');
        if (result.status === 'error') expect(result.message.length).toBeLessThan(2_000);
        expect(await f.readSaved('passwd')).toBeNull();
      },
    );

    it('returns cancelled when the user cancels Save As, writing nothing', async () => {
      const f = await makeFixture();
      f.userWillCancel();
      expect(await f.host.saveDesign(sampleDesign(), null)).toEqual({ status: 'cancelled' });
    });

    it('exports a single file under the name the user picks', async () => {
      const f = await makeFixture();
      f.userWillSaveAs('export.rescanvas.json');
      const result = await f.host.exportFiles({
        suggestedName: 'export.rescanvas.json',
        files: [{ name: 'export.rescanvas.json', data: serializeDesign(sampleDesign('exported')) }],
      });
      expect(result.status).toBe('saved');
      expect(await savedName(f, 'export.rescanvas.json')).toBe('exported');
    });

    it('keeps unsaved work for recovery, and forgets it when cleared', async () => {
      const f = await makeFixture();
      expect(await f.host.readRecovery()).toBeNull();
      const entry = { design: sampleDesign('unsaved'), name: 'net.rescanvas.json', savedAt: '2026-01-02T03:04:05.000Z' };
      await f.host.writeRecovery(entry);
      expect(await f.host.readRecovery()).toEqual(entry);
      if (f.restart !== 'none') expect(await (await f.restart()).readRecovery()).toEqual(entry);
      await f.host.clearRecovery();
      expect(await f.host.readRecovery()).toBeNull();
      if (f.restart !== 'none') expect(await (await f.restart()).readRecovery()).toBeNull();
    });

    it('accepts document state and menu subscriptions', () => {
      const f = makeFixture();
      return f.then(({ host }) => {
        expect(() => host.setDocumentState({ name: 'x.rescanvas.json', dirty: true })).not.toThrow();
        const unsubscribe = host.onMenuCommand(() => undefined);
        expect(typeof unsubscribe).toBe('function');
        unsubscribe();
      });
    });

    it('delivers a design opened from outside, even to a listener that subscribes later (or nothing, on a host without that way in)', async () => {
      const f = await makeFixture();
      if (f.openFromOutside === 'none') {
        const received: OpenResult[] = [];
        const unsubscribe = f.host.onExternalOpen((r) => received.push(r));
        await new Promise((resolve) => setTimeout(resolve, 0));
        expect(received).toEqual([]);
        unsubscribe();
        return;
      }
      await f.openFromOutside('launch.rescanvas.json', serializeDesign(sampleDesign('launched')));
      const received: OpenResult[] = [];
      const unsubscribe = f.host.onExternalOpen((r) => received.push(r));
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ status: 'opened', file: { name: 'launch.rescanvas.json', design: { metadata: { name: 'launched' } } } });
      unsubscribe();
    });
  });
}

/** A run log a host opened, as text: the web host hands back the file for the data worker to read. */
async function openedRunLog(result: RunLogResult): Promise<RunLogResult> {
  return result.status === 'opened' && 'file' in result ? { status: 'opened', name: result.name, text: await result.file.text() } : result;
}
