/**
 * electron-builder.yml checked with electron-builder's own code (app-builder-lib, the version
 * `npm run dist` uses): its configuration validation, its package.json metadata check, and its file
 * matcher deciding what goes into the package; then its whole pipeline builds the unpacked
 * directory target and the test reads the app.asar it made.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageClosure, productionClosure, TYPE_ONLY_SCOPES } from '../../unit/electron/builderClosure';
import { tempDir } from '../../unit/electron/support';

const root = join(__dirname, '../../..');
const requireHere = createRequire(join(root, 'package.json'));

interface BuilderConfig {
  productName: string;
  npmRebuild: boolean;
  files: string[];
  asarUnpack: string[];
  linux: { target: string[]; icon: string; syncDesktopName: boolean; desktop: { entry: { StartupWMClass: string } }; mimeTypes: string[] };
  mac: { target: string; icon: string };
  win: { target: string; icon: string };
  fileAssociations: { ext: string | string[]; mimeType: string; role: string }[];
}
const configText = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
const config = parse(configText) as BuilderConfig & Record<string, unknown>;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown> & {
  main: string;
  productName: string;
  desktopName: string;
  optionalDependencies: Record<string, string>;
  dependencies: Record<string, string>;
};

// The parts of app-builder-lib used here; its deep modules have no package exports map.
type Filter = (file: string, stat: { isDirectory(): boolean; moduleFullFilePath?: string }) => boolean;
interface FileMatcherInstance {
  createFilter(): Filter;
}
const { validateConfiguration } = requireHere('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(): void }): Promise<void>;
};
const { checkMetadata, readPackageJson } = requireHere('app-builder-lib/out/util/packageMetadata.js') as {
  checkMetadata(metadata: unknown, devMetadata: unknown, appPackageFile: string, devAppPackageFile: string): void;
  readPackageJson(file: string): Promise<Record<string, unknown> & { author?: { name: string; email?: string } }>;
};
const { FileMatcher, getNodeModuleFileMatcher } = requireHere('app-builder-lib/out/fileMatcher.js') as {
  FileMatcher: new (from: string, to: string, macroExpander: (s: string) => string, patterns: string[]) => FileMatcherInstance;
  getNodeModuleFileMatcher(
    appDir: string,
    destination: string,
    macroExpander: (s: string) => string,
    platformOptions: object,
    packager: object,
  ): FileMatcherInstance;
};
const noDebug = { isEnabled: false, add: () => undefined };
const identity = (s: string): string => s;

/** What electron-builder does with a node_modules file: the path is the destination one, `node_modules/<name>/…`. */
const nodeModuleFilter = (files: string[]): Filter =>
  getNodeModuleFileMatcher(root, join(root, 'out'), identity, {}, { config: { files }, debugLogger: noDebug }).createFilter();
const keptModule = (filter: Filter, name: string): boolean => {
  const path = `node_modules/${name}/package.json`;
  return filter(join(root, path), { isDirectory: () => false, moduleFullFilePath: path });
};
const appFilter = new FileMatcher(root, join(root, 'out'), identity, config.files).createFilter();
const keptAppFile = (path: string): boolean => appFilter(join(root, path), { isDirectory: () => false });

const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }>;
};
/** What the engine worker may load at run time: tfjs-node(-gpu) and what they require, types aside. */
const runtimeModules = [...packageClosure(lock.packages, ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'])].filter(
  (n) => !TYPE_ONLY_SCOPES.some((s) => n.startsWith(s)),
);
/** What electron-builder collects: every production and optional dependency, transitively. */
const collected = [...productionClosure(lock.packages)];

describe('electron-builder.yml', () => {
  it("passes electron-builder's own configuration validation", async () => {
    await expect(validateConfiguration(config, noDebug)).resolves.toBeUndefined();
  });

  it('would be rejected by that validation if it were wrong (the check is live)', async () => {
    await expect(validateConfiguration({ ...config, linux: { ...config.linux, desktopEntry: 'typo' } }, noDebug)).rejects.toThrow(/linux/);
    await expect(validateConfiguration({ ...config, appID: 'typo' }, noDebug)).rejects.toThrow(/appID/);
  });

  it("package.json passes electron-builder's metadata check, with what the deb target requires", async () => {
    const metadata = await readPackageJson(join(root, 'package.json'));
    expect(() => checkMetadata(metadata, metadata, 'package.json', 'package.json')).not.toThrow();
    // FpmTarget (deb) throws "Please specify project homepage" without one, and needs an author e-mail
    // unless linux.maintainer is set.
    expect(metadata.homepage).toMatch(/^https:\/\//);
    expect(metadata.repository).toBeTruthy();
    expect(metadata.author?.email).toMatch(/@/);
    // Electron must never be a production dependency (electron-builder refuses it there).
    expect(Object.keys(pkg.dependencies)).not.toContain('electron');
    expect(Object.keys(pkg.optionalDependencies)).toContain('electron');
  });

  it('names the app ResCanvas everywhere the desktop matches windows to launchers', () => {
    expect(pkg.productName).toBe(config.productName);
    expect(pkg.desktopName).toBe(`${config.productName}.desktop`);
    expect(config.linux.syncDesktopName).toBe(true);
    expect(config.linux.desktop.entry.StartupWMClass).toBe(pkg.desktopName.replace(/\.desktop$/, ''));
    const main = readFileSync(join(root, 'electron/main.ts'), 'utf8');
    expect(main).toContain(`PRODUCT_NAME = '${config.productName}'`);
  });

  it('does not rebuild native modules (tfjs-node is N-API; a rebuild needs a compiler and the network)', () => {
    expect(config.npmRebuild).toBe(false);
    expect(configText).toMatch(/N-API/);
  });

  it('targets AppImage, deb, dmg and nsis with icons that exist', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
    for (const icon of [config.mac.icon, config.win.icon, join(config.linux.icon, '512x512.png')]) expect(existsSync(join(root, icon)), icon).toBe(true);
    const png = readFileSync(join(root, config.mac.icon));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });

  it('packages the built app and none of the sources', () => {
    expect(pkg.main).toBe('dist/electron/main.cjs');
    for (const file of [
      'package.json',
      'dist/electron/main.cjs',
      'dist/electron/preload.cjs',
      'dist/electron/engine-worker.mjs',
      'dist/electron/tfjs-backend-wasm.wasm',
      'dist/web/index.html',
    ]) {
      expect(keptAppFile(file), file).toBe(true);
    }
    for (const file of [
      'dist/electron/main.cjs.map',
      'src/graph/design.ts',
      'renderer/App.tsx',
      'electron/main.ts',
      'test/unit/lint.test.ts',
      'dist/release/x.AppImage',
      'README.md',
    ]) {
      expect(keptAppFile(file), file).toBe(false);
    }
  });

  it('keeps node_modules/electron and every bundled-only package out of the packaged node_modules', () => {
    const filter = nodeModuleFilter(config.files);
    expect(keptModule(filter, 'electron')).toBe(false);
    const electronBinary = 'node_modules/electron/dist/electron';
    expect(filter(join(root, electronBinary), { isDirectory: () => false, moduleFullFilePath: electronBinary })).toBe(false);
    const runtime = new Set(runtimeModules);
    const shipped = collected.filter((name) => keptModule(filter, name));
    const unexpected = shipped.filter((name) => !runtime.has(name));
    const missing = runtimeModules.filter((name) => !keptModule(filter, name));
    // On failure, the keep-lists electron-builder.yml should carry instead:
    const scoped = runtimeModules.filter((n) => n.startsWith('@tensorflow/')).map((n) => n.slice('@tensorflow/'.length));
    const plain = runtimeModules.filter((n) => !n.startsWith('@'));
    const hint = `expected files patterns:\n"!node_modules/!(@tensorflow|${plain.join('|')}){,/**}"\n"!node_modules/@tensorflow/!(${scoped.join('|')}){,/**}"`;
    expect({ unexpected, missing }, hint).toEqual({ unexpected: [], missing: [] });
    for (const bundled of ['react', 'react-dom', '@xyflow/react', 'tsx', 'esbuild', 'zod', 'zustand', 'elkjs', 'commander', '@tensorflow/tfjs-backend-wasm']) {
      expect(collected, bundled).toContain(bundled);
      expect(keptModule(filter, bundled), bundled).toBe(false);
    }
    expect(keptModule(filter, '@tensorflow/tfjs-node')).toBe(true);
  });

  it('the node_modules check is live: without the exclusions electron would ship', () => {
    const filter = nodeModuleFilter(config.files.filter((p) => !p.startsWith('!node_modules')));
    expect(keptModule(filter, 'electron')).toBe(true);
    expect(keptModule(filter, 'react')).toBe(true);
  });

  it('unpacks the engine worker, its wasm and the native modules from app.asar', () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['dist/electron/engine-worker.mjs', 'dist/electron/*.wasm', 'node_modules/**']));
  });

  it('associates .rescanvas design files on every OS (one extension: Windows and macOS match only the last)', () => {
    expect(config.fileAssociations).toHaveLength(1);
    const [association] = config.fileAssociations;
    expect(association.ext).toBe('rescanvas');
    expect(association.role).toBe('Editor');
    expect(config.linux.mimeTypes).toContain(association.mimeType);
    for (const ext of [association.ext].flat()) expect(ext, 'an extension without dots').not.toMatch(/\./);
  });

  const electronBinary = ((): string | null => {
    try {
      const path: unknown = requireHere('electron');
      return typeof path === 'string' && existsSync(path) ? path : null;
    } catch {
      return null;
    }
  })();

  /**
   * electron-builder's whole pipeline (collecting node_modules, asar, unpacking) into a temporary
   * directory. Its only Electron-specific input is the Electron distribution it copies beside the
   * app: the installed one when there is one, otherwise a stand-in directory whose binary is a
   * shell script, which changes nothing in what goes into app.asar.
   */
  const installedDist = electronBinary !== null && process.platform === 'linux' ? dirname(electronBinary) : null;
  it(
    `builds the unpacked directory target with ${installedDist ? 'the installed Electron' : 'a stand-in Electron binary'}: app.asar holds the app and no node_modules/electron`,
    { timeout: 600_000 },
    () => {
      const out = tempDir();
      const electronDist = installedDist ?? join(out, 'electron-dist');
      if (!installedDist) {
        mkdirSync(join(electronDist, 'resources'), { recursive: true });
        writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\necho stand-in\n', { mode: 0o755 });
      }
      execFileSync(process.execPath, [join(root, 'scripts/build-electron.mjs')], { cwd: root, stdio: 'pipe' });
      const electronVersion = installedDist
        ? (JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version
        : '39.2.0';
      execFileSync(
        process.execPath,
        [
          requireHere.resolve('electron-builder/cli.js'),
          '--dir',
          '--linux',
          '--x64',
          '--config',
          'electron-builder.yml',
          `-c.electronVersion=${electronVersion}`,
          `-c.electronDist=${electronDist}`,
          `-c.directories.output=${join(out, 'release')}`,
        ],
        { cwd: root, stdio: 'pipe' },
      );
      const resources = join(out, 'release/linux-unpacked/resources');
      const asar = requireHere('@electron/asar') as {
        listPackage(archive: string, options: object): string[];
        extractFile(archive: string, file: string): Buffer;
      };
      const files = asar.listPackage(join(resources, 'app.asar'), {}).map((f) => f.replace(/\\/g, '/'));
      expect(files).toEqual(
        expect.arrayContaining(['/package.json', '/dist/electron/main.cjs', '/dist/electron/preload.cjs', '/dist/electron/engine-worker.mjs']),
      );
      expect(files.filter((f) => f.startsWith('/node_modules/electron/') || f === '/node_modules/electron')).toEqual([]);
      expect(files.filter((f) => /^\/node_modules\/(react|react-dom|tsx|esbuild|@esbuild|@xyflow|zod|elkjs)(\/|$)/.test(f))).toEqual([]);
      expect(files.filter((f) => /^\/(src|renderer|electron|test|cli)\//.test(f) || f.endsWith('.map'))).toEqual([]);
      const moduleName = (f: string): string | null => {
        const parts = f.split('/');
        const length = parts[2]?.startsWith('@') ? 4 : 3;
        return parts[1] === 'node_modules' && parts.length >= length ? parts.slice(2, length).join('/') : null;
      };
      const shipped = new Set(files.map(moduleName).filter((n): n is string => n !== null));
      expect([...shipped].filter((name) => !runtimeModules.includes(name))).toEqual([]);
      for (const unpacked of ['dist/electron/engine-worker.mjs', 'dist/electron/tfjs-backend-wasm.wasm'])
        expect(existsSync(join(resources, 'app.asar.unpacked', unpacked)), unpacked).toBe(true);
      const packaged = JSON.parse(asar.extractFile(join(resources, 'app.asar'), 'package.json').toString('utf8')) as Record<string, unknown>;
      expect(packaged).toMatchObject({ productName: 'ResCanvas', desktopName: 'ResCanvas.desktop', main: 'dist/electron/main.cjs' });
    },
  );
});
