/**
 * The web host over File System Access handles. Node has no file pickers, so the pickers and the
 * disk behind the handles are stood in for by objects shaped like the browser's (pick, getFile,
 * createWritable with commit-on-close); the host's own logic is what runs. The same host runs
 * against real Chromium pickers, downloads and IndexedDB in test/e2e/webhost.spec.ts.
 */
import { DataWorkerClient, inProcessPort } from '../../../renderer/data/dataWorkerClient';
import { describe, expect, it } from 'vitest';
import type { BrowserFiles } from '../../../renderer/host/web/browserFiles';
import { fileSystemAccessFiles, type FileHandleLike, type FileSystemAccessWindow } from '../../../renderer/host/web/fileSystemAccess';
import type { KeyValueStore } from '../../../renderer/host/web/recoveryStorage';
import { RECOVERY_KEY, WebHost } from '../../../renderer/host/web';
import { hostContract, sampleDesign } from './contract';
import { strFromU8, unzipSync } from 'fflate';
import { exampleDesigns } from '../../../src/graph/examples';
import { serializeDesign } from '../../../src/graph/parse';

type Choice = { pick: string } | 'cancel';

function browserFixture() {
  const disk = new Map<string, Uint8Array<ArrayBuffer>>();
  const choices: Choice[] = [];
  const next = (): string => {
    const choice = choices.shift();
    if (choice === undefined) throw new Error('test did not expect a picker');
    if (choice === 'cancel') throw new DOMException('The user aborted a request.', 'AbortError');
    return choice.pick;
  };
  const handle = (name: string): FileHandleLike => ({
    kind: 'file',
    name,
    getFile: async () => new File([disk.get(name) ?? new Uint8Array()], name),
    createWritable: async () => {
      let pending: Uint8Array<ArrayBuffer> = new Uint8Array();
      return {
        write: async (data) => {
          pending = typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data);
        },
        close: async () => void disk.set(name, pending),
        abort: async () => undefined,
      };
    },
  });
  const openPickerTypes: string[] = [];
  const scope: FileSystemAccessWindow = {
    showOpenFilePicker: async (options) => {
      openPickerTypes.push(options.types?.map((t) => t.description).join() ?? '');
      return [handle(next())];
    },
    showSaveFilePicker: async () => handle(next()),
    showDirectoryPicker: async () => ({ name: next(), getFileHandle: async (name) => handle(name) }),
  };
  const store = new Map<string, string>();
  const recovery: KeyValueStore = {
    get: async (k) => store.get(k) ?? null,
    set: async (k, v) => void store.set(k, v),
    delete: async (k) => void store.delete(k),
  };
  const titles: string[] = [];
  const guards: boolean[] = [];
  const limits: { maxRunLogBytes?: number } = {};
  const makeHost = (files: BrowserFiles = fileSystemAccessFiles(scope)) =>
    new WebHost({
      files,
      recovery,
      page: { setTitle: (t) => titles.push(t), guardUnload: (on) => guards.push(on) },
      get maxRunLogBytes() {
        return limits.maxRunLogBytes;
      },
    });
  return { disk, choices, store, titles, guards, limits, openPickerTypes, makeHost };
}

hostContract('web', async () => {
  const { disk, choices, limits, makeHost } = browserFixture();
  return {
    host: makeHost(),
    userWillOpenRunLog: (name, content) => {
      disk.set(name, typeof content === 'string' ? new TextEncoder().encode(content) : new Uint8Array(content));
      choices.push({ pick: name });
    },
    limitRunLogBytes: (bytes) => {
      limits.maxRunLogBytes = bytes;
    },
    userWillOpen: (name, content) => {
      disk.set(name, new TextEncoder().encode(content));
      choices.push({ pick: name });
    },
    userWillCancel: () => void choices.push('cancel'),
    userWillSaveAs: (name) => void choices.push({ pick: name }),
    readSaved: async (name) => (disk.has(name) ? new TextDecoder().decode(disk.get(name)) : null),
    restart: async () => makeHost(),
    writesBack: true,
    // A web page cannot be handed a file by the operating system.
    openFromOutside: 'none',
  };
});

describe('web host specifics', () => {
  it('marks unsaved work in the tab title and guards the tab while dirty', () => {
    const f = browserFixture();
    const host = f.makeHost();
    host.setDocumentState({ name: 'net.rescanvas.json', dirty: true });
    host.setDocumentState({ name: 'net.rescanvas.json', dirty: false });
    expect(f.titles).toEqual(['net.rescanvas.json • — ResCanvas', 'net.rescanvas.json — ResCanvas']);
    expect(f.guards).toEqual([true, false]);
  });

  it('keeps unreadable recovery data aside instead of offering or losing it', async () => {
    const f = browserFixture();
    f.store.set(RECOVERY_KEY, '{"design": {"format": "something else"}}');
    expect(await f.makeHost().readRecovery()).toBeNull();
    expect(f.store.get(`${RECOVERY_KEY}.unreadable`)).toBe('{"design": {"format": "something else"}}');
    expect(f.store.has(RECOVERY_KEY)).toBe(false);
  });

  it('refuses a binary file clearly', async () => {
    const f = browserFixture();
    f.disk.set('photo.json', new Uint8Array([0xff, 0xd8, 0xff, 0x00, 0x81]));
    f.choices.push({ pick: 'photo.json' });
    expect(await f.makeHost().openDesign()).toMatchObject({ status: 'error', message: expect.stringMatching(/photo\.json: not a text file/) });
  });

  it('opens a design saved with a UTF-8 BOM, as the desktop app and the CLI do', async () => {
    const f = browserFixture();
    f.disk.set('bom.json', new TextEncoder().encode(`\ufeff${serializeDesign(exampleDesigns()['residual-mlp-20.rescanvas.json'])}`));
    f.choices.push({ pick: 'bom.json' });
    expect(await f.makeHost().openDesign()).toMatchObject({ status: 'opened', file: { name: 'bom.json' } });
  });

  it('asks for run logs with the run-log file types, and hands a binary one to the data worker, which refuses it clearly', async () => {
    const f = browserFixture();
    f.disk.set('run.jsonl', new Uint8Array([0x7b, 0xff, 0xfe]));
    f.choices.push({ pick: 'run.jsonl' });
    const result = await f.makeHost().openRunLog();
    if (result.status !== 'opened' || !('file' in result)) throw new Error(`expected the picked file, got ${JSON.stringify(result)}`);
    await expect(new DataWorkerClient(inProcessPort).readRunLog(result.file, result.name, 1e9)).rejects.toThrow(
      'run.jsonl: not a text file (invalid UTF-8), so not a run log',
    );
    expect(f.openPickerTypes).toEqual(['Run log (JSON lines)']);
  });

  it('reports a failed write and keeps the previous content', async () => {
    const f = browserFixture();
    f.choices.push({ pick: 'a.rescanvas.json' });
    const host = f.makeHost();
    const saved = await host.saveDesign(sampleDesign('v1'), null);
    if (saved.status !== 'saved') throw new Error('setup failed');
    const before = f.disk.get('a.rescanvas.json');
    const failing: BrowserFiles = {
      kind: 'file-system-access',
      pickFileToOpen: async () => null,
      pickFolder: async () => null,
      pickSaveTarget: async () => ({ name: 'b.rescanvas.json', write: async () => Promise.reject(new DOMException('quota exceeded', 'QuotaExceededError')) }),
    };
    const result = await f.makeHost(failing).saveDesign(sampleDesign('v2'), null);
    expect(result).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/b\.rescanvas\.json could not be saved \(the previous version is unchanged\): quota exceeded/),
    });
    expect(f.disk.get('a.rescanvas.json')).toBe(before);
  });

  it('exports several files into a folder the user picks', async () => {
    const f = browserFixture();
    f.choices.push({ pick: 'models' });
    const result = await f.makeHost().exportFiles({
      suggestedName: 'model',
      files: [
        { name: 'model.json', data: '{}' },
        { name: 'weights.bin', data: new Uint8Array([1, 2]) },
      ],
    });
    expect(result).toMatchObject({ status: 'saved', file: { name: 'models' } });
    expect([...(f.disk.get('weights.bin') ?? [])]).toEqual([1, 2]);
  });

  it('without a folder picker, downloads a bundle as one zip (browsers cap automatic downloads at ten)', async () => {
    const written: { name: string; data: Uint8Array }[] = [];
    const downloads: BrowserFiles = {
      kind: 'download',
      pickFileToOpen: async () => null,
      pickFolder: async () => {
        throw new Error('a download host must not download file by file');
      },
      pickSaveTarget: async (name) => ({ name, write: async (data) => void written.push({ name, data: data as Uint8Array }) }),
    };
    const files: { name: string; data: string | Uint8Array }[] = Array.from({ length: 11 }, (_, i) => ({ name: `file${i}.py`, data: `print(${i})\n` }));
    files.push({ name: 'weights.bin', data: new Uint8Array([1, 2, 3]) });
    const result = await browserFixture().makeHost(downloads).exportFiles({ suggestedName: 'net-pytorch', files });
    expect(result).toMatchObject({ status: 'saved', file: { name: 'net-pytorch.zip' } });
    expect(written.map((w) => w.name)).toEqual(['net-pytorch.zip']);
    const unzipped = unzipSync(written[0].data);
    expect(Object.keys(unzipped).sort()).toEqual([...files.map((f) => `net-pytorch/${f.name}`)].sort());
    expect(strFromU8(unzipped['net-pytorch/file3.py'])).toBe('print(3)\n');
    expect([...unzipped['net-pytorch/weights.bin']]).toEqual([1, 2, 3]);
  });
});
