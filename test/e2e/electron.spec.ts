/**
 * Smoke test of the desktop app through Playwright's Electron driver: the window opens on the app's
 * own origin with the bridge and no Node in the page, and File ▸ Save from the application menu
 * writes a design file. Runs whenever the Electron binary is installed; otherwise skipped, saying why.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { startWithNewDesign } from './welcomeHelpers';

const root = join(import.meta.dirname, '../..');

function electronBinary(): string | null {
  try {
    const path: unknown = createRequire(join(root, 'package.json'))('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}
const binary = electronBinary();
const hasElectron = binary !== null;

test.describe('desktop app', () => {
  test.skip(!hasElectron, 'Electron binary not installed (offline install: the electron package could not download it); the desktop smoke test needs it');
  test.describe.configure({ timeout: 300_000 });

  let app: ElectronApplication;
  const userData = mkdtempSync(join(tmpdir(), 'rescanvas-e2e-'));

  test.beforeAll(async () => {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
    app = await electron.launch({ executablePath: binary ?? undefined, args: [root, `--user-data-dir=${userData}`], cwd: root });
  });

  test.afterAll(async () => {
    await app?.close();
  });

  test('opens the window on the app origin, isolated from Node', async () => {
    const page = await app.firstWindow();
    await expect(page.getByRole('region', { name: 'Canvas' })).toBeVisible();
    await startWithNewDesign(page);
    expect(page.url()).toMatch(/^app:\/\/rescanvas\//);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].getTitle())).toMatch(/ResCanvas/);
    expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof window.rescanvas?.saveDesign)).toBe('function');
  });

  test('File > Save from the menu writes the design', async () => {
    const page = await app.firstWindow();
    await page.getByRole('complementary', { name: 'Layer palette' }).getByRole('button', { name: 'Dense', exact: true }).click();
    const target = join(mkdtempSync(join(tmpdir(), 'rescanvas-save-')), 'smoke.rescanvas.json');
    // The native save dialog cannot be driven; answer it from main with the path a user would pick.
    await app.evaluate(({ dialog }, path) => {
      dialog.showSaveDialog = (async () => ({ canceled: false, filePath: path })) as typeof dialog.showSaveDialog;
    }, target);
    await app.evaluate(({ Menu }) => {
      const file = Menu.getApplicationMenu()?.items.find((i) => i.label.replace('&', '') === 'File');
      file?.submenu?.items.find((i) => i.label === 'Save')?.click();
    });
    await expect.poll(() => existsSync(target), { timeout: 20_000 }).toBe(true);
    const saved = JSON.parse(readFileSync(target, 'utf8'));
    expect(saved.format).toBe('rescanvas.design');
    expect(saved.nodes.some((n: { type: string }) => n.type === 'Dense')).toBe(true);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].getTitle())).toMatch(/^smoke\.rescanvas\.json — ResCanvas$/);
  });
});
