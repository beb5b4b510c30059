#!/usr/bin/env node
/**
 * `npm start`: the desktop app when Electron's binary is installed, otherwise the same UI served
 * on 127.0.0.1 and opened in the default browser — with one line saying which and why.
 * Options: --no-open (do not open a browser), --port N (web only; default 5174).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const noOpen = args.includes('--no-open') || process.env.RESCANVAS_NO_BROWSER === '1';
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : 5174;
const passThrough = args.filter((a, i) => a !== '--no-open' && a !== '--port' && !(portArg >= 0 && i === portArg + 1));

/** `require('electron')` returns the binary's path, and throws when its download failed. */
function electronBinary() {
  try {
    const path = createRequire(join(root, 'package.json'))('electron');
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { reason: 'Electron binary not installed' };
  } catch (error) {
    const missingPackage = error?.code === 'MODULE_NOT_FOUND';
    return { reason: missingPackage ? 'Electron binary not installed' : `Electron binary not usable (${String(error?.message ?? error).split('\n')[0]})` };
  }
}

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, command)));
}

/** The platform's "open in default browser" command, when there is a browser to open. */
function browserOpener() {
  if (process.platform === 'darwin') return ['open'];
  if (process.platform === 'win32') return ['cmd', '/c', 'start', '""'];
  const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  return hasDisplay && onPath('xdg-open') ? ['xdg-open'] : null;
}

const electron = electronBinary();
if (electron.path) {
  run('npm', ['run', '--silent', 'build:web']);
  run('node', ['scripts/build-electron.mjs']);
  const child = spawn(electron.path, ['.', ...passThrough], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  run('npm', ['run', '--silent', 'build:web']);
  const { preview } = await import('vite');
  const server = await preview({ root, preview: { host: '127.0.0.1', port, strictPort: false, open: false } });
  const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
  console.log(`${electron.reason}; running in your browser at ${url}`);
  const opener = browserOpener();
  if (noOpen) console.log('Not opening a browser (--no-open); open the address above yourself.');
  else if (!opener) console.log('No default browser found (no display or xdg-open); open the address above yourself.');
  else {
    const [command, ...rest] = opener;
    spawn(command, [...rest, url], { stdio: 'ignore', detached: true })
      .on('error', () => console.log('Could not open a browser; open the address above yourself.'))
      .unref();
  }
  console.log('Press Ctrl+C to stop.');
}
