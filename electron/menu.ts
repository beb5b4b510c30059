/**
 * The application menu as a plain template, built from what main knows, so it can be checked in
 * tests. Commands that act on the design go to the renderer (it owns the document and its undo
 * history); clipboard roles stay native so they keep working inside text fields.
 */
import { basename } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../src/protocol/ipc';

export interface MenuContext {
  platform: NodeJS.Platform;
  isDevelopment: boolean;
  appName: string;
  recentFiles: readonly string[];
  send(command: MenuCommand): void;
  openRecent(path: string): void;
  clearRecent(): void;
}

export function buildMenuTemplate(ctx: MenuContext): MenuItemConstructorOptions[] {
  const isMac = ctx.platform === 'darwin';
  const command = (label: string, name: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    click: () => ctx.send(name),
  });
  const recent: MenuItemConstructorOptions[] = ctx.recentFiles.length
    ? [
        ...ctx.recentFiles.map((path): MenuItemConstructorOptions => ({ label: basename(path), toolTip: path, click: () => ctx.openRecent(path) })),
        { type: 'separator' },
        { label: 'Clear Recent', click: () => ctx.clearRecent() },
      ]
    : [{ label: 'No recent designs', enabled: false }];

  const template: MenuItemConstructorOptions[] = [];
  if (isMac) {
    template.push({
      label: ctx.appName,
      submenu: [
        command(`About ${ctx.appName}`, 'about'),
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push(
    {
      label: '&File',
      submenu: [
        command('New', 'new', 'CmdOrCtrl+N'),
        command('Open…', 'open', 'CmdOrCtrl+O'),
        { label: 'Open Recent', submenu: recent },
        command('Open Run Log…', 'open-run-log'),
        { type: 'separator' },
        command('Save', 'save', 'CmdOrCtrl+S'),
        command('Save As…', 'save-as', 'CmdOrCtrl+Shift+S'),
        {
          label: 'Export',
          submenu: [
            command('tf.js model…', 'export-tfjs'),
            command('Keras JSON…', 'export-keras'),
            command('Design JSON…', 'export-design'),
            command('PyTorch package…', 'export-pytorch'),
            command('ONNX model…', 'export-onnx'),
          ],
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit', label: 'Quit', accelerator: 'Ctrl+Q' },
      ],
    },
    {
      label: '&Edit',
      // Cut, Copy, Paste and Select All are native roles: on macOS only roles route their
      // shortcuts into text fields (native dialogs included). The page turns them into graph
      // commands when the canvas has focus (renderer/editCommands.ts). Undo, Redo and Delete go to
      // the page, which edits the focused text field or the graph: the browser's own undo fires
      // nothing the page could see outside a text field.
      submenu: [
        command('Undo', 'undo', 'CmdOrCtrl+Z'),
        command('Redo', 'redo', isMac ? 'Shift+Cmd+Z' : 'Ctrl+Y'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        // Shown, not registered: the key belongs to the focused field or, on the canvas, to the page.
        { ...command('Delete', 'delete', isMac ? 'Backspace' : 'Delete'), registerAccelerator: false },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        command('Zoom In', 'zoom-in', 'CmdOrCtrl+='),
        command('Zoom Out', 'zoom-out', 'CmdOrCtrl+-'),
        command('Fit to Window', 'fit-view', 'CmdOrCtrl+0'),
        { type: 'separator' },
        {
          label: 'Overlay',
          submenu: [
            { label: 'Off', type: 'radio', checked: true, click: () => ctx.send('overlay-off') },
            { label: 'Forward', type: 'radio', click: () => ctx.send('overlay-forward') },
            { label: 'Backward', type: 'radio', click: () => ctx.send('overlay-backward') },
          ],
        },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(ctx.isDevelopment ? ([{ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }] as MenuItemConstructorOptions[]) : []),
      ],
    },
    {
      label: '&Train',
      submenu: [command('Start', 'train-start', 'CmdOrCtrl+Enter'), command('Stop', 'train-stop', 'CmdOrCtrl+.')],
    },
    {
      role: 'help',
      label: '&Help',
      submenu: [
        command('Welcome', 'welcome'),
        command('Lessons', 'lessons'),
        command('Examples', 'examples'),
        ...(isMac ? [] : [{ type: 'separator' } as const, command(`About ${ctx.appName}`, 'about')]),
      ],
    },
  );
  return template;
}
