/**
 * The desktop app through Playwright's Electron driver: the window opens on the app's own origin
 * with the bridge and no Node in the page; File ▸ Save writes a design; the engine is ready again
 * after a reload and after Restart engine; Help ▸ Lessons and Help ▸ About open their dialogs; a
 * design passed on the command line (what a double-click does on Windows and Linux) opens.
 * Runs wherever the Electron binary is installed; otherwise skipped, saying why.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
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

/** Clicks an application-menu item the way a user would, by its labels (`File`, `Save`). */
async function clickMenu(app: ElectronApplication, top: string, label: string): Promise<void> {
  const found = await app.evaluate(
    ({ Menu }, [topLabel, itemLabel]) => {
      const menu = Menu.getApplicationMenu()?.items.find((i) => i.label.replace('&', '') === topLabel);
      const item = menu?.submenu?.items.find((i) => i.label === itemLabel);
      item?.click();
      return item !== undefined;
    },
    [top, label] as const,
  );
  expect(found, `menu item ${top} ▸ ${label}`).toBe(true);
}

function launch(userData: string, ...extra: string[]): Promise<ElectronApplication> {
  return electron.launch({ executablePath: binary ?? undefined, args: [root, `--user-data-dir=${userData}`, ...extra], cwd: root });
}

const trainButton = (page: Page) => page.getByRole('button', { name: 'Train', exact: true });

test.describe('desktop app', () => {
  test.skip(
    !hasElectron,
    'Electron binary not installed (require("electron") does not resolve to an existing binary: the offline install could not download it); the desktop tests need it',
  );
  test.describe.configure({ mode: 'serial', timeout: 300_000 });

  let app: ElectronApplication;
  const userData = mkdtempSync(join(tmpdir(), 'rescanvas-e2e-'));

  test.beforeAll(async () => {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
    app = await launch(userData);
    // Recovery offers (window.confirm) after a reload: decline, the tests start clean.
    (await app.firstWindow()).on('dialog', (dialog) => void dialog.dismiss());
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
    expect(await app.evaluate(({ app: electronApp }) => electronApp.getName())).toBe('ResCanvas');
  });

  test('File > Save from the menu writes the design', async () => {
    const page = await app.firstWindow();
    await page.getByRole('complementary', { name: 'Layer palette' }).getByRole('button', { name: 'Dense', exact: true }).click();
    const target = join(mkdtempSync(join(tmpdir(), 'rescanvas-save-')), 'smoke');
    // The native save dialog cannot be driven; answer it from main with the path a user would type.
    await app.evaluate(({ dialog }, path) => {
      dialog.showSaveDialog = (async () => ({ canceled: false, filePath: path })) as typeof dialog.showSaveDialog;
    }, target);
    await clickMenu(app, 'File', 'Save');
    // No extension typed: the registered one is added.
    await expect.poll(() => existsSync(`${target}.rescanvas`), { timeout: 20_000 }).toBe(true);
    const saved = JSON.parse(readFileSync(`${target}.rescanvas`, 'utf8'));
    expect(saved.format).toBe('rescanvas.design');
    expect(saved.nodes.some((n: { type: string }) => n.type === 'Dense')).toBe(true);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].getTitle())).toMatch(/^smoke\.rescanvas — ResCanvas$/);
  });

  test('after a reload the engine answers again: Train is enabled', async () => {
    const page = await app.firstWindow();
    await expect(trainButton(page)).toBeEnabled({ timeout: 120_000 });
    await page.reload();
    await expect(page.getByRole('region', { name: 'Canvas' })).toBeVisible();
    await expect(trainButton(page)).toBeEnabled({ timeout: 120_000 });
  });

  test('Restart engine gives a working engine', async () => {
    const page = await app.firstWindow();
    await expect(trainButton(page)).toBeEnabled({ timeout: 120_000 });
    const restart = page.getByRole('button', { name: 'Restart engine' });
    // The button is offered once the host has given up restarting a crashed engine; show that state.
    if (!(await restart.isVisible())) await page.evaluate(() => window.__rescanvasStore?.getState().setBackend(null, 'crashed'));
    await restart.click();
    await expect(trainButton(page)).toBeEnabled({ timeout: 120_000 });
    // The restarted engine trains: open a small example and run one epoch.
    await clickMenu(app, 'Help', 'Examples');
    await page
      .getByRole('button', { name: /^Open example Residual MLP/ })
      .first()
      .click();
    const training = page
      .getByRole('complementary', { name: 'Training' })
      .or(page.getByRole('region', { name: 'Training' }))
      .first();
    await training.getByRole('spinbutton', { name: 'Epochs' }).fill('1');
    await trainButton(page).click();
    await expect(training.getByRole('status').first()).toContainText(/loss/i, { timeout: 240_000 });
  });

  test('Help > Lessons and Help > About open their dialogs', async () => {
    const page = await app.firstWindow();
    await clickMenu(app, 'Help', 'Lessons');
    const lessons = page.getByRole('dialog', { name: 'Lessons' });
    await expect(lessons).toBeVisible();
    await expect(lessons.getByRole('button', { name: /^Open lesson / }).first()).toBeVisible();
    await lessons.getByRole('button', { name: 'Close' }).click();
    await clickMenu(app, 'Help', 'About ResCanvas');
    const about = page.getByRole('dialog', { name: 'About ResCanvas' });
    await expect(about).toContainText(/ResCanvas \d+\.\d+\.\d+/);
    await about.getByRole('button', { name: 'Close' }).click();
  });

  test('a design passed on the command line (a double-click) opens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rescanvas-open-'));
    const file = join(dir, 'double-clicked.rescanvas');
    copyFileSync(join(root, 'assets/examples/residual-mlp-20.rescanvas.json'), file);
    // Its own profile, so the single-instance lock does not hand the file to the first app.
    const second = await launch(mkdtempSync(join(tmpdir(), 'rescanvas-e2e-2-')), file);
    try {
      const page = await second.firstWindow();
      await expect(page.locator('.react-flow__node[aria-label^="Dense "]').first()).toBeVisible({ timeout: 60_000 });
      await expect.poll(() => second.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].getTitle())).toBe('double-clicked.rescanvas — ResCanvas');
    } finally {
      await second.close();
    }
  });
});
