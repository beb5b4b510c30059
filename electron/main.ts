/**
 * Electron main process: one window, the menu, files, and the IPC bridge. Everything with logic
 * lives in the small modules beside this one (handlers, security, files, menu, window state);
 * this file only wires them to Electron's objects and lifecycle.
 */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, MessageChannelMain, protocol, screen, session, utilityProcess, type IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS, type EventChannel } from '../src/protocol/ipc';
import { FromEngine, ToEngine } from '../src/protocol/messages';
import { placementArgument, type EnginePlacement } from '../src/protocol/enginePlacement';
import { APP_ORIGIN, APP_SCHEME, serveAppRequest } from './appProtocol';
import { designPathFromArgv } from './commandLine';
import { confirmDiscardSync, nativeDialogs } from './dialogs';
import { electronEnginePort, utilityProcessSpawner, type UtilityFork } from './engine/electronAdapters';
import { EngineHost } from './engine/engineHost';
import { decidePlacement, probeNativeBackends } from './engine/placement';
import { FileHandles } from './files/fileHandles';
import { loadRecentFiles, pushRecent, saveRecentFiles } from './files/recentFiles';
import { RecoveryStore } from './files/recovery';
import { dispatch, makeSenderCheck, type SenderInfo } from './ipc/dispatch';
import { createHandlers, openDesignAt, type HandlerContext } from './ipc/handlers';
import { buildMenuTemplate } from './menu';
import { createCloseSequence } from './quitSequence';
import { ExternalOpens } from './externalOpens';
import { unpackedPath } from './packagedPaths';
import { hardenSession, hardenWebContents } from './security';
import { fitToDisplays, loadWindowState, saveWindowState } from './windowState';

const PRODUCT_NAME = 'ResCanvas';
/** RESCANVAS_DEV_SERVER_URL=http://127.0.0.1:5173 (with `npm run dev` running) loads the renderer from Vite instead of dist/web. */
const devServerUrl = process.env.RESCANVAS_DEV_SERVER_URL;
const isDevelopment = !app.isPackaged;
const appOrigin = devServerUrl ? new URL(devServerUrl).origin : APP_ORIGIN;
const webRoot = join(__dirname, '..', 'web');

app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let mainWindow: BrowserWindow | null = null;
let recentFiles: string[] = [];
const userData = (): string => app.getPath('userData');

const ctx: HandlerContext = {
  handles: new FileHandles(),
  recovery: new RecoveryStore(join(app.getPath('userData'), 'recovery')),
  dialogs: nativeDialogs(
    () => mainWindow,
    () => app.getPath('documents'),
  ),
  document: { name: '', dirty: false },
  onDocumentState: (state) => {
    if (!mainWindow) return;
    mainWindow.setTitle(`${state.name || 'Untitled'}${state.dirty ? ' •' : ''} — ${PRODUCT_NAME}`);
    mainWindow.setDocumentEdited(state.dirty);
  },
  onFileUsed: (path) => {
    recentFiles = pushRecent(recentFiles, path);
    app.addRecentDocument(path);
    void saveRecentFiles(userData(), recentFiles).catch(() => undefined);
    installMenu();
  },
};
const handlers = createHandlers(ctx);

const engineWorker = unpackedPath(join(__dirname, 'engine-worker.mjs'));

/**
 * Where the engine runs (electron/engine/placement.ts): decided before the window opens, from a
 * probe process that tries tfjs-node-gpu and tfjs-node. Until then, and when neither loads, the page
 * runs the engine in its own Web Worker (WebGPU, WebGL or threaded wasm).
 */
let placement: EnginePlacement = { where: 'renderer', skipped: [] };

/**
 * The engine in its own utility process (electron/engine/worker.ts, bundled), when a native backend
 * loads: tf.js ops are synchronous and must stay off main's event loop, and a native crash must not
 * take main with it. Started with the first page load.
 */
let engine: EngineHost<ToEngine, FromEngine> | null = null;

async function placeEngine(): Promise<void> {
  const fork: UtilityFork = (modulePath, args, options) => utilityProcess.fork(modulePath, args, options);
  placement = decidePlacement(await probeNativeBackends(utilityProcessSpawner(fork, engineWorker, { probe: true })));
  if (placement.where !== 'process') return;
  engine = new EngineHost({
    spawn: utilityProcessSpawner(fork, engineWorker, { backend: placement.backend }),
    toEngine: ToEngine,
    fromEngine: FromEngine,
    onStatus: (status) => {
      if (status.event === 'crashed') console.error(status.message);
    },
  });
}

/** Each page load gets a fresh port (a reload closes the old page's end); the engine keeps running. */
function connectEngine(window: BrowserWindow): void {
  if (!engine) return;
  const { port1, port2 } = new MessageChannelMain();
  engine.attachPort(electronEnginePort(port1));
  window.webContents.postMessage('engine:port', null, [port2]);
  if (!engine.running) engine.start();
}
const isTrustedSender = makeSenderCheck(appOrigin);

function send(channel: EventChannel, payload: unknown): void {
  mainWindow?.webContents.send(channel, payload);
}

function installMenu(): void {
  const template = buildMenuTemplate({
    platform: process.platform,
    isDevelopment,
    appName: PRODUCT_NAME,
    recentFiles,
    send: (command) => send('menu:command', command),
    openRecent: (path) => openExternal(path),
    clearRecent: () => {
      recentFiles = [];
      app.clearRecentDocuments();
      void saveRecentFiles(userData(), recentFiles).catch(() => undefined);
      installMenu();
    },
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** Opens a file the user chose outside the page (command line, double-click, Open Recent). */
async function openInPage(path: string): Promise<void> {
  if (!mainWindow) return;
  if (ctx.document.dirty && !confirmDiscardSync(mainWindow, ctx.document.name)) return;
  send('design:external-open', await openDesignAt(ctx, path));
}
const externalOpens = new ExternalOpens((path) => void openInPage(path), designPathFromArgv(process.argv, app.isPackaged, process.cwd()));
const openExternal = (path: string): void => externalOpens.request(path);

function senderInfo(event: IpcMainInvokeEvent): SenderInfo | null {
  const frame = event.senderFrame;
  if (!frame) return null;
  return { url: frame.url, isMainFrame: frame === event.sender.mainFrame, isAppWindow: event.sender === mainWindow?.webContents };
}

function registerIpc(): void {
  for (const channel of Object.keys(INVOKE_CHANNELS)) {
    ipcMain.handle(channel, (event, payload: unknown) => dispatch(handlers, isTrustedSender, channel, senderInfo(event), payload));
  }
}

async function createWindow(): Promise<void> {
  const saved = fitToDisplays(
    await loadWindowState(userData()),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const window = new BrowserWindow({
    x: saved.x,
    y: saved.y,
    width: saved.width,
    height: saved.height,
    minWidth: 800,
    minHeight: 500,
    title: PRODUCT_NAME,
    show: false,
    backgroundColor: '#ffffff',
    // Kept literal here (not built by a helper) so the security scanner can read every setting.
    webPreferences: {
      // Reviewed: the preload exposes one validated-on-the-other-side function per operation, never ipcRenderer (preload/bridge.ts).
      preload: join(__dirname, 'preload.cjs') /* eng-disable PRELOAD_JS_CHECK */,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      // Read by the sandboxed preload (process.argv): where the engine runs, decided before the window opened.
      additionalArguments: [placementArgument(placement)],
    },
  });
  mainWindow = window;
  if (saved.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  // The page sets its own title through document state; keep ours with the unsaved marker.
  window.on('page-title-updated', (event) => event.preventDefault());

  window.webContents.on('did-start-loading', () => externalOpens.pageLoading());
  window.webContents.on('did-finish-load', () => {
    connectEngine(window);
    externalOpens.pageLoaded();
  });

  const closing = createCloseSequence({
    isDirty: () => ctx.document.dirty,
    confirmDiscard: () => confirmDiscardSync(window, ctx.document.name),
    bookkeeping: (discarded) => [
      saveWindowState(userData(), { ...window.getNormalBounds(), maximized: window.isMaximized() }),
      // The user chose to discard: do not offer this work back at the next start.
      ...(discarded ? [ctx.recovery.clear()] : []),
    ],
    closeWindow: () => window.close(),
    report: (message) => console.error(message),
  });
  window.on('close', (event) => {
    if (closing.onClose()) event.preventDefault();
  });
  window.on('closed', () => {
    mainWindow = null;
    externalOpens.pageLoading();
  });

  await window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const path = designPathFromArgv(argv, app.isPackaged, workingDirectory);
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
    if (path) openExternal(path);
  });
  // macOS delivers double-clicked files as events, possibly before `ready`.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openExternal(path);
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, appOrigin));
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => engine?.stop());

  void app.whenReady().then(async () => {
    protocol.handle(APP_SCHEME, (request) => serveAppRequest(request.url, webRoot));
    hardenSession(session.defaultSession, appOrigin, devServerUrl === undefined);
    [recentFiles] = await Promise.all([loadRecentFiles(userData()), placeEngine()]);
    registerIpc();
    installMenu();
    await createWindow();
  });
}
