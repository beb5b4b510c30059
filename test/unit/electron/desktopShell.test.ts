/**
 * The desktop shell's own behaviour, without Electron: every menu command has a renderer action,
 * the Edit menu edits text fields or the graph depending on focus, the window waits for its
 * bookkeeping before closing, and designs open from the command line under the registered type.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { designPathFromArgv } from '../../../electron/commandLine';
import { DESIGN_EXTENSION, designBaseName, isDesignPath, withDesignExtension } from '../../../electron/files/designFiles';
import { createHandlers } from '../../../electron/ipc/handlers';
import { ExternalOpens } from '../../../electron/externalOpens';
import { buildMenuTemplate } from '../../../electron/menu';
import { unpackedPath } from '../../../electron/packagedPaths';
import { createCloseSequence, type CloseSequenceSteps } from '../../../electron/quitSequence';
import { connectNativeEditRoles, isTextField, textOrGraph, type EditDocument } from '../../../renderer/editCommands';
import { connectShell } from '../../../renderer/host/connectShell';
import type { Host, MenuCommand } from '../../../renderer/host/host';
import { MENU_COMMANDS, OpenResult, SaveResult } from '../../../src/protocol/ipc';
import { makeContext } from './handlerContext';
import { sampleDesign, tempDir } from './support';

const flatten = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
  items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);

/** Clicks every item of the menu built for one platform and collects what it sends. */
function commandsSentByMenu(platform: NodeJS.Platform, isDevelopment: boolean): { sent: MenuCommand[]; items: MenuItemConstructorOptions[] } {
  const sent: MenuCommand[] = [];
  const items = flatten(
    buildMenuTemplate({
      platform,
      isDevelopment,
      appName: 'ResCanvas',
      recentFiles: ['/home/u/a.rescanvas'],
      send: (c) => sent.push(c),
      openRecent: () => undefined,
      clearRecent: () => undefined,
    }),
  );
  for (const item of items) if (typeof item.click === 'function') (item.click as () => void)();
  return { sent, items };
}

/** A stand-in for the page's document: focus is whatever the test sets, events are Node's. */
class FakeDocument extends EventTarget implements EditDocument {
  activeElement: unknown = { tagName: 'DIV' };
  readonly executed: string[] = [];
  execCommand(command: string): boolean {
    this.executed.push(command);
    return true;
  }
  fire(type: string): boolean {
    return this.dispatchEvent(new Event(type, { cancelable: true }));
  }
}
const textInput = { tagName: 'INPUT', type: 'text' };
const canvasPane = { tagName: 'DIV', isContentEditable: false };

describe('menu commands and the renderer actions', () => {
  const platforms: NodeJS.Platform[] = ['linux', 'win32', 'darwin'];

  it('every command any menu sends has an action in the renderer', async () => {
    // The renderer module builds its table from the app store and actions; loaded here as is.
    const { menuCommandHandlers } = await import('../../../renderer/shellCommands');
    const handlers = menuCommandHandlers(new FakeDocument());
    const handled = new Set(Object.keys(handlers));
    const sent = new Set(platforms.flatMap((p) => [false, true].flatMap((dev) => commandsSentByMenu(p, dev).sent)));
    expect(
      [...sent].filter((c) => !handled.has(c)),
      'menu commands without a renderer action',
    ).toEqual([]);
    expect(
      MENU_COMMANDS.filter((c) => typeof handlers[c] !== 'function'),
      'protocol commands without a renderer action',
    ).toEqual([]);
    for (const c of ['lessons', 'about', 'examples', 'train-start', 'undo'] as const) expect(sent.has(c), c).toBe(true);
  });

  it('every menu item does something: a command, a role, a submenu or a local action', () => {
    for (const platform of platforms) {
      for (const item of commandsSentByMenu(platform, true).items) {
        if (item.type === 'separator' || item.enabled === false) continue;
        const acts = typeof item.click === 'function' || item.role !== undefined || Array.isArray(item.submenu);
        expect(acts, `${platform}: ${item.label ?? item.role}`).toBe(true);
      }
    }
  });

  it('Help has Lessons and About on every platform (About under the app menu on macOS)', () => {
    for (const platform of platforms) expect(commandsSentByMenu(platform, false).sent).toEqual(expect.arrayContaining(['lessons', 'about']));
  });

  it('a command without an action is reported, not dropped', async () => {
    let deliver: (command: MenuCommand) => void = () => undefined;
    const host = {
      onMenuCommand: (listener: (command: MenuCommand) => void) => {
        deliver = listener;
        return () => undefined;
      },
      onExternalOpen: () => () => undefined,
      readRecovery: async () => null,
      clearRecovery: async () => undefined,
    } as unknown as Host;
    const errors: string[] = [];
    const ran: string[] = [];
    await connectShell(host, {
      commands: { lessons: () => ran.push('lessons') },
      openDesign: () => undefined,
      openFile: () => undefined,
      showError: (m) => errors.push(m),
      confirmRecovery: () => false,
    });
    deliver('lessons');
    deliver('about');
    expect(ran).toEqual(['lessons']);
    expect(errors).toEqual(['The menu command "about" has no action in this window.']);
  });
});

describe('Edit menu', () => {
  const edit = (platform: NodeJS.Platform) => {
    const { items } = commandsSentByMenu(platform, false);
    const menu = items.find((i) => i.label === '&Edit');
    return (menu?.submenu as MenuItemConstructorOptions[]).filter((i) => i.type !== 'separator');
  };

  it('uses the native roles for the clipboard and Select All, on every platform', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const roles = edit(platform)
        .map((i) => i.role)
        .filter(Boolean);
      expect(roles, platform).toEqual(['cut', 'copy', 'paste', 'selectAll']);
      for (const item of edit(platform).filter((i) => i.role)) expect(item.click, `${platform} ${item.role}`).toBeUndefined();
    }
  });

  it('sends Undo, Redo and Delete to the page; Delete shows its key without taking it from text fields', () => {
    const labels = edit('darwin')
      .filter((i) => !i.role)
      .map((i) => i.label);
    expect(labels).toEqual(['Undo', 'Redo', 'Delete']);
    const del = edit('darwin').find((i) => i.label === 'Delete');
    expect(del?.accelerator).toBe('Backspace');
    expect(del?.registerAccelerator).toBe(false);
  });

  it('tells text fields from the rest', () => {
    expect(isTextField(textInput)).toBe(true);
    expect(isTextField({ tagName: 'INPUT', type: 'number' })).toBe(true);
    expect(isTextField({ tagName: 'TEXTAREA' })).toBe(true);
    expect(isTextField({ tagName: 'DIV', isContentEditable: true })).toBe(true);
    expect(isTextField({ tagName: 'INPUT', type: 'checkbox' })).toBe(false);
    expect(isTextField({ tagName: 'BUTTON' })).toBe(false);
    expect(isTextField(canvasPane)).toBe(false);
    expect(isTextField(null)).toBe(false);
  });

  it('Undo edits the focused text field natively, the graph otherwise', () => {
    const doc = new FakeDocument();
    const graph = vi.fn();
    const undo = textOrGraph(doc, 'undo', graph);
    doc.activeElement = textInput;
    undo();
    expect(doc.executed).toEqual(['undo']);
    expect(graph).not.toHaveBeenCalled();
    doc.activeElement = canvasPane;
    undo();
    expect(graph).toHaveBeenCalledTimes(1);
    expect(doc.executed).toEqual(['undo']);
  });

  it('turns the native clipboard roles into graph commands only while no text field has focus', () => {
    const doc = new FakeDocument();
    const graph = { copy: vi.fn(), cut: vi.fn(), paste: vi.fn(), selectAll: vi.fn() };
    const disconnect = connectNativeEditRoles(doc, graph);

    doc.activeElement = canvasPane;
    // Cancelling before* is what enables the browser's command with no text selected.
    expect(doc.fire('beforecopy')).toBe(false);
    expect(doc.fire('copy')).toBe(false);
    expect(doc.fire('cut')).toBe(false);
    expect(doc.fire('paste')).toBe(false);
    expect(doc.fire('selectstart')).toBe(false);
    expect([graph.copy, graph.cut, graph.paste, graph.selectAll].map((f) => f.mock.calls.length)).toEqual([1, 1, 1, 1]);

    // A mouse drag starts a selection too; it is not Select All.
    doc.fire('pointerdown');
    expect(doc.fire('selectstart')).toBe(true);
    doc.fire('pointerup');

    doc.activeElement = textInput;
    for (const type of ['beforecopy', 'copy', 'cut', 'paste', 'selectstart']) expect(doc.fire(type), type).toBe(true);
    expect([graph.copy, graph.cut, graph.paste, graph.selectAll].map((f) => f.mock.calls.length)).toEqual([1, 1, 1, 1]);

    // A button in an open dialog has focus: Paste must not drop nodes behind the dialog.
    doc.activeElement = { tagName: 'BUTTON', closest: (selector: string) => (selector.includes('[role="dialog"]') ? {} : null) };
    for (const type of ['beforepaste', 'paste', 'copy']) expect(doc.fire(type), type).toBe(true);
    expect(graph.paste).toHaveBeenCalledTimes(1);

    disconnect();
    doc.activeElement = canvasPane;
    expect(doc.fire('copy')).toBe(true);
    expect(graph.copy).toHaveBeenCalledTimes(1);
  });
});

describe('closing the window (and quitting)', () => {
  /** A controllable clock: timers fire only when the test says so. */
  const manualTimers = () => {
    const pending: (() => void)[] = [];
    return { setTimer: (callback: () => void) => pending.push(callback), fireAll: () => pending.splice(0).forEach((f) => f()) };
  };
  const deferred = () => {
    let resolve: () => void = () => undefined;
    let reject: (e: Error) => void = () => undefined;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
  const setup = (overrides: Partial<CloseSequenceSteps> = {}) => {
    const log: string[] = [];
    const windowState = deferred();
    const recovery = deferred();
    const timers = manualTimers();
    const sequence = createCloseSequence({
      isDirty: () => false,
      confirmDiscard: () => true,
      bookkeeping: (discarded) => {
        log.push(`bookkeeping discarded=${discarded}`);
        return [
          windowState.promise.then(() => log.push('window state saved')),
          ...(discarded ? [recovery.promise.then(() => log.push('recovery cleared'))] : []),
        ];
      },
      closeWindow: () => {
        log.push('close window');
        if (sequence.onClose()) log.push('close prevented again');
      },
      report: (m) => log.push(`report: ${m}`),
      setTimer: timers.setTimer,
      ...overrides,
    });
    return { sequence, log, windowState, recovery, timers };
  };

  it('holds the close until the window state is written, then closes', async () => {
    const { sequence, log, windowState } = setup();
    expect(sequence.onClose()).toBe(true);
    expect(sequence.onClose()).toBe(true);
    expect(log).toEqual(['bookkeeping discarded=false']);
    windowState.resolve();
    await sequence.finished;
    expect(log).toEqual(['bookkeeping discarded=false', 'window state saved', 'close window']);
    expect(sequence.state).toBe('closing');
  });

  it('after discarding unsaved work, clears recovery before closing', async () => {
    const { sequence, log, windowState, recovery } = setup({ isDirty: () => true, confirmDiscard: () => true });
    expect(sequence.onClose()).toBe(true);
    windowState.resolve();
    await Promise.resolve();
    expect(log).not.toContain('close window');
    recovery.resolve();
    await sequence.finished;
    expect(log).toEqual(['bookkeeping discarded=true', 'window state saved', 'recovery cleared', 'close window']);
  });

  it('stays open, doing nothing, when the user keeps unsaved work', () => {
    const { sequence, log } = setup({ isDirty: () => true, confirmDiscard: () => false });
    expect(sequence.onClose()).toBe(true);
    expect(log).toEqual([]);
    expect(sequence.state).toBe('open');
  });

  it('closes anyway after the timeout when bookkeeping hangs, and says so', async () => {
    const { sequence, log, timers } = setup();
    sequence.onClose();
    await Promise.resolve();
    expect(log).not.toContain('close window');
    timers.fireAll();
    await sequence.finished;
    expect(log).toEqual(['bookkeeping discarded=false', expect.stringMatching(/^report: Closing without waiting longer than 2000 ms/), 'close window']);
  });

  it('a failed step is reported and does not keep the window open', async () => {
    const { sequence, log, windowState } = setup();
    sequence.onClose();
    windowState.reject(new Error('disk full'));
    await sequence.finished;
    expect(log).toEqual(['bookkeeping discarded=false', 'report: Could not finish before closing: disk full', 'close window']);
  });

  it('main runs the engine and its native-backend probe as utility processes, not threads of main', () => {
    const main = readFileSync(join(__dirname, '../../../electron/main.ts'), 'utf8');
    expect(main).toMatch(/probeNativeBackends\(utilityProcessSpawner\(fork, engineWorker, \{ probe: true \}\)\)/);
    expect(main).toMatch(/spawn: utilityProcessSpawner\(fork, engineWorker, \{ backend: placement\.backend \}\)/);
    expect(main).toMatch(/utilityProcess\.fork\(modulePath, args, options\)/);
    expect(main).not.toMatch(/workerThreadSpawner|node:worker_threads/);
  });

  it('main wires the window close through this sequence', () => {
    const main = readFileSync(join(__dirname, '../../../electron/main.ts'), 'utf8');
    expect(main).toMatch(/if \(closing\.onClose\(\)\) event\.preventDefault\(\)/);
    expect(main).not.toMatch(/void saveWindowState|void ctx\.recovery\.clear/);
  });
});

describe('design files: the .rescanvas type', () => {
  it('opens .rescanvas and JSON designs from the command line, not other files', () => {
    expect(designPathFromArgv(['C:\\Program Files\\ResCanvas\\ResCanvas.exe', '/home/u/net.rescanvas'], true, '/')).toBe('/home/u/net.rescanvas');
    expect(designPathFromArgv(['/opt/ResCanvas/rescanvas', '--no-sandbox', 'designs/net.rescanvas'], true, '/home/u')).toBe('/home/u/designs/net.rescanvas');
    expect(designPathFromArgv(['/opt/ResCanvas/rescanvas', 'old.rescanvas.json'], true, '/home/u')).toBe('/home/u/old.rescanvas.json');
    expect(designPathFromArgv(['/opt/ResCanvas/rescanvas', 'notes.txt', '-psn_0_12345'], true, '/home/u')).toBeNull();
    expect(isDesignPath('NET.RESCANVAS')).toBe(true);
    expect(isDesignPath('net.rescanvas.bak')).toBe(false);
  });

  it('a design given on the command line opens through the same path as a double-click', async () => {
    const dir = tempDir();
    const file = join(dir, 'cli.rescanvas');
    writeFileSync(file, JSON.stringify(sampleDesign('From the command line')));
    const path = designPathFromArgv(['/opt/ResCanvas/rescanvas', 'cli.rescanvas'], true, dir);
    expect(path).toBe(file);
    const { openDesignAt } = await import('../../../electron/ipc/handlers');
    const result = OpenResult.parse(await openDesignAt(makeContext(dir), path ?? ''));
    expect(result).toMatchObject({ status: 'opened', file: { name: 'cli.rescanvas', design: { metadata: { name: 'From the command line' } } } });
  });

  it('names files and save dialogs after the registered extension', async () => {
    expect(DESIGN_EXTENSION).toBe('.rescanvas');
    expect(withDesignExtension('/d/net')).toBe('/d/net.rescanvas');
    expect(withDesignExtension('/d/net.rescanvas')).toBe('/d/net.rescanvas');
    expect(withDesignExtension('/d/net.rescanvas.json')).toBe('/d/net.rescanvas.json');
    expect(['net.rescanvas', 'net.rescanvas.json', 'net.json', 'net'].map(designBaseName)).toEqual(['net', 'net', 'net', 'net']);

    const dir = tempDir();
    const ctx = makeContext(dir);
    ctx.document.name = 'old.rescanvas.json';
    ctx.dialogs.save.push(join(dir, 'renamed'));
    const handlers = createHandlers(ctx);
    const result = SaveResult.parse(await handlers['design:save']({ design: sampleDesign(), handle: null }));
    expect(ctx.dialogs.shown).toEqual(['save:old.rescanvas']);
    expect(result).toMatchObject({ status: 'saved', file: { name: 'renamed.rescanvas' } });
    expect(existsSync(join(dir, 'renamed.rescanvas'))).toBe(true);
  });

  it('a file asked for before the page has loaded (argv, early macOS open-file) waits for it', () => {
    const opened: string[] = [];
    const opens = new ExternalOpens((p) => opened.push(p), '/home/u/from-argv.rescanvas');
    opens.request('/home/u/open-file-event.rescanvas');
    expect(opened).toEqual([]);
    opens.pageLoaded();
    expect(opened).toEqual(['/home/u/open-file-event.rescanvas']);
    opens.request('/home/u/second-launch.rescanvas');
    expect(opened).toEqual(['/home/u/open-file-event.rescanvas', '/home/u/second-launch.rescanvas']);
    // A reload drops messages sent meanwhile: held again until the new page has loaded.
    opens.pageLoading();
    opens.request('/home/u/during-reload.rescanvas');
    expect(opened).toHaveLength(2);
    opens.pageLoaded();
    expect(opened.at(-1)).toBe('/home/u/during-reload.rescanvas');
    opens.pageLoaded();
    expect(opened).toHaveLength(3);
  });

  it('main routes the command line, open-file and second launches through that queue', () => {
    const main = readFileSync(join(__dirname, '../../../electron/main.ts'), 'utf8');
    expect(main).toMatch(/new ExternalOpens\(.*designPathFromArgv\(process\.argv, app\.isPackaged, process\.cwd\(\)\)/);
    expect(main).toMatch(/app\.on\('open-file', \(event, path\) => \{\s*event\.preventDefault\(\);\s*openExternal\(path\);/);
    expect(main).toMatch(/designPathFromArgv\(argv, app\.isPackaged, workingDirectory\)/);
    expect(main).toMatch(/'did-finish-load'[\s\S]*externalOpens\.pageLoaded\(\)/);
  });

  it('the save and open dialogs list .rescanvas first', () => {
    const dialogs = readFileSync(join(__dirname, '../../../electron/dialogs.ts'), 'utf8');
    expect(dialogs).toMatch(/name: 'ResCanvas design', extensions: \['rescanvas', 'json'\]/);
  });
});

describe('packaged paths', () => {
  it('points files inside app.asar at their unpacked copies and leaves others alone', () => {
    expect(unpackedPath('/opt/ResCanvas/resources/app.asar/dist/electron/engine-worker.mjs')).toBe(
      '/opt/ResCanvas/resources/app.asar.unpacked/dist/electron/engine-worker.mjs',
    );
    expect(unpackedPath('/repo/dist/electron/engine-worker.mjs')).toBe('/repo/dist/electron/engine-worker.mjs');
    expect(unpackedPath('/x/app.asar.unpacked/dist/a.mjs')).toBe('/x/app.asar.unpacked/dist/a.mjs');
  });
});
