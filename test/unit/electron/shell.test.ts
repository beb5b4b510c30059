import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, resolveAppUrl, serveAppRequest } from '../../../electron/appProtocol';
import { designPathFromArgv } from '../../../electron/commandLine';
import { pushRecent } from '../../../electron/files/recentFiles';
import { buildMenuTemplate } from '../../../electron/menu';
import { CONTENT_SECURITY_POLICY, isAppUrl } from '../../../electron/security';
import { DEFAULT_WINDOW_STATE, fitToDisplays, loadWindowState, saveWindowState } from '../../../electron/windowState';
import type { MenuCommand } from '../../../src/protocol/ipc';
import { tempDir } from './support';

describe('app:// protocol', () => {
  it('serves files under the web root with the CSP header', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'index.html'), '<!doctype html>');
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'assets', 'tfjs-backend-wasm.wasm'), new Uint8Array([0, 97, 115, 109]));
    const page = await serveAppRequest(`${APP_ORIGIN}/`, root);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    // Cross-origin isolated, so the engine's worker can run the threaded wasm build.
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const wasm = await serveAppRequest(`${APP_ORIGIN}/assets/tfjs-backend-wasm.wasm`, root);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(wasm.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });

  it.each([
    `${APP_ORIGIN}/../../etc/passwd`,
    `${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd`,
    `${APP_ORIGIN}/assets/..%2f..%2f..%2fetc%2fpasswd`,
    `${APP_ORIGIN}/%00`,
    'app://elsewhere/index.html',
    'file:///etc/passwd',
    'not a url',
  ])('reaches nothing outside the web root for %s', async (url) => {
    const root = join(tempDir(), 'web');
    mkdirSync(root);
    const file = resolveAppUrl(url, root);
    if (file !== null) expect(file.startsWith(`${root}/`)).toBe(true);
    expect((await serveAppRequest(url, root)).status).toBe(404);
  });
});

describe('security settings', () => {
  it('allows no inline or remote scripts', () => {
    const scriptSrc = CONTENT_SECURITY_POLICY.split('; ').find((d) => d.startsWith('script-src'));
    // blob: only for the threads of tf.js' threaded wasm build (see contentSecurityPolicy.ts).
    expect(scriptSrc).toBe("script-src 'self' 'wasm-unsafe-eval' blob:");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*|unsafe-inline|'unsafe-eval'/);
  });

  it('treats only the app origin as the app', () => {
    expect(isAppUrl(`${APP_ORIGIN}/index.html#x`, APP_ORIGIN)).toBe(true);
    expect(isAppUrl('app://rescanvas.evil.example/', APP_ORIGIN)).toBe(false);
    expect(isAppUrl('https://example.com/', APP_ORIGIN)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', 'http://127.0.0.1:5173')).toBe(true);
    expect(isAppUrl('http://127.0.0.1:5174/', 'http://127.0.0.1:5173')).toBe(false);
  });
});

describe('menu', () => {
  const flatten = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
  const build = (platform: NodeJS.Platform, isDevelopment: boolean, recentFiles: string[] = []) => {
    const sent: MenuCommand[] = [];
    const opened: string[] = [];
    const items = flatten(
      buildMenuTemplate({
        platform,
        isDevelopment,
        appName: 'ResCanvas',
        recentFiles,
        send: (c) => sent.push(c),
        openRecent: (p) => opened.push(p),
        clearRecent: () => undefined,
      }),
    );
    const item = (label: string) => {
      const found = items.find((i) => i.label === label);
      if (!found) throw new Error(`no menu item ${label}`);
      return found;
    };
    const click = (label: string) => (item(label).click as () => void)();
    return { items, item, click, sent, opened };
  };

  it('sends the menu commands to the renderer', () => {
    const m = build('linux', false);
    for (const label of [
      'New',
      'Open…',
      'Save',
      'Save As…',
      'tf.js model…',
      'Keras JSON…',
      'Design JSON…',
      'Undo',
      'Redo',
      'Start',
      'Stop',
      'Forward',
      'Lessons',
    ])
      m.click(label);
    expect(m.sent).toEqual([
      'new',
      'open',
      'save',
      'save-as',
      'export-tfjs',
      'export-keras',
      'export-design',
      'undo',
      'redo',
      'train-start',
      'train-stop',
      'overlay-forward',
      'lessons',
    ]);
  });

  it('uses platform accelerators', () => {
    expect(build('linux', false).item('Save').accelerator).toBe('CmdOrCtrl+S');
    expect(build('linux', false).item('Redo').accelerator).toBe('Ctrl+Y');
    expect(build('darwin', false).item('Redo').accelerator).toBe('Shift+Cmd+Z');
    expect(build('darwin', false).items[0].label).toBe('ResCanvas');
  });

  it('offers dev tools only in development', () => {
    expect(build('linux', false).items.some((i) => i.role === 'toggleDevTools')).toBe(false);
    expect(build('linux', true).items.some((i) => i.role === 'toggleDevTools')).toBe(true);
  });

  it('lists recent files by name and opens them by path', () => {
    const m = build('linux', false, ['/home/u/a.rescanvas.json']);
    m.click('a.rescanvas.json');
    expect(m.opened).toEqual(['/home/u/a.rescanvas.json']);
    expect(pushRecent(['/a', '/b'], '/b')).toEqual(['/b', '/a']);
    expect(
      pushRecent(
        Array.from({ length: 12 }, (_, i) => `/f${i}`),
        '/new',
      ),
    ).toHaveLength(10);
  });
});

describe('command line', () => {
  it('finds the design to open, resolved against the launch directory', () => {
    expect(designPathFromArgv(['/usr/bin/rescanvas', '--no-sandbox', '/home/u/net.rescanvas.json'], true, '/tmp')).toBe('/home/u/net.rescanvas.json');
    expect(designPathFromArgv(['electron', '.', 'net.rescanvas.json'], false, '/home/u')).toBe('/home/u/net.rescanvas.json');
    expect(designPathFromArgv(['electron', 'package.json'], false, '/home/u')).toBeNull();
    expect(designPathFromArgv(['/usr/bin/rescanvas'], true, '/home/u')).toBeNull();
  });
});

describe('window state', () => {
  it('round-trips and falls back to defaults for a corrupt file', async () => {
    const dir = tempDir();
    expect(await loadWindowState(dir)).toEqual(DEFAULT_WINDOW_STATE);
    await saveWindowState(dir, { x: 10, y: 20, width: 900, height: 700, maximized: true });
    expect(await loadWindowState(dir)).toEqual({ x: 10, y: 20, width: 900, height: 700, maximized: true });
    writeFileSync(join(dir, 'window-state.json'), '{"width": -5}');
    expect(await loadWindowState(dir)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('forgets a position on a display that is gone', () => {
    const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }];
    expect(fitToDisplays({ x: 3000, y: 100, width: 800, height: 600, maximized: false }, screen)).toEqual({ width: 800, height: 600, maximized: false });
    expect(fitToDisplays({ x: 100, y: 100, width: 4000, height: 600, maximized: false }, screen)).toEqual({
      x: 100,
      y: 100,
      width: 1920,
      height: 600,
      maximized: false,
    });
  });
});
