#!/usr/bin/env node
/**
 * postinstall: Electron's TypeScript typings for `electron/` and `test/`, taken from the `electron`
 * package itself at the version package-lock.json pins.
 *
 * Why: `electron` is an optional dependency whose only install script downloads the binary. Where that
 * download fails (offline machines, CI here), npm removes the whole package, typings included. The
 * typings need no binary, so this script fetches the same tarball with `npm pack` (no scripts run),
 * checks it against the lockfile's integrity hash, and keeps only `electron.d.ts` under
 * node_modules/.cache/electron-types/. The tsconfigs resolve `electron` to the installed package first
 * and to this copy second. Nothing pretends the package or its binary is installed: `npm start` and
 * the Electron tests still detect the missing binary and say so.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const target = join(root, 'node_modules', '.cache', 'electron-types');
const typingsFile = join(target, 'electron.d.ts');
const installed = join(root, 'node_modules', 'electron', 'electron.d.ts');

function say(line) {
  console.log(`electron-types: ${line}`);
}

function lockedElectron() {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const entry = lock.packages?.['node_modules/electron'];
  if (!entry?.version || !entry?.integrity) throw new Error('package-lock.json has no pinned version and integrity for electron');
  return { version: entry.version, integrity: entry.integrity };
}

function main() {
  if (existsSync(installed)) {
    // The installed package's own typings win; a second copy would declare every Electron type twice.
    rmSync(target, { recursive: true, force: true });
    say('using the installed electron package');
    return;
  }
  const { version, integrity } = lockedElectron();
  const stamp = join(target, `version-${version}`);
  if (existsSync(typingsFile) && existsSync(stamp)) return;

  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  execFileSync('npm', ['pack', `electron@${version}`, '--pack-destination', target, '--silent', '--ignore-scripts'], {
    cwd: target,
    stdio: ['ignore', 'ignore', 'inherit'],
    shell: process.platform === 'win32',
  });
  const tarball = readdirSync(target).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack electron@${version} wrote no tarball`);
  const tarballPath = join(target, tarball);
  const [algorithm, expected] = integrity.split('-', 2);
  const actual = createHash(algorithm).update(readFileSync(tarballPath)).digest('base64');
  if (actual !== expected) throw new Error(`electron@${version} tarball does not match package-lock.json's integrity hash`);

  // The system's tar (GNU or bsdtar, which Windows 10+ ships): a dependency for it would ship inside the desktop package.
  execFileSync('tar', ['-xzf', tarball, '--strip-components=1', 'package/electron.d.ts'], { cwd: target, stdio: ['ignore', 'ignore', 'inherit'] });
  rmSync(tarballPath);
  if (!existsSync(typingsFile)) throw new Error(`electron@${version} tarball holds no electron.d.ts`);
  writeFileSync(stamp, '');
  say(`typings of electron@${version} taken from its npm tarball (the binary is not installed)`);
}

try {
  main();
} catch (error) {
  // Not fatal for installing or running the app; only `npm run typecheck` of electron/ needs them.
  say(
    `could not get Electron's typings (${error instanceof Error ? error.message : String(error)}); the electron/ typecheck will fail until \`node scripts/electron-types.mjs\` succeeds`,
  );
}
