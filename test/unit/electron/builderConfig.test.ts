import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(__dirname, '../../..');
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  linux: { target: string[]; icon: string };
  mac: { target: string; icon: string };
  win: { target: string; icon: string };
  asarUnpack: string[];
  fileAssociations: { ext: string }[];
};

// Compiling electron-builder's schema takes seconds: once per file.
const schema = JSON.parse(readFileSync(join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's own schema", () => {
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('would be rejected by that schema if it were wrong (the check is live)', () => {
    expect(validate({ ...config, linux: { ...config.linux, target: 42 } })).toBe(false);
    expect(validate({ ...config, appID: 'typo' })).toBe(false);
  });

  it('targets AppImage, deb, dmg and nsis with icons that exist', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
    for (const icon of [config.mac.icon, config.win.icon, join(config.linux.icon, '512x512.png')]) expect(existsSync(join(root, icon)), icon).toBe(true);
    const png = readFileSync(join(root, config.mac.icon));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });

  it('unpacks the native tf.js parts and associates design files', () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/@tensorflow/tfjs-node*/lib/**', 'node_modules/@tensorflow/tfjs-node*/deps/**']));
    expect(config.fileAssociations[0].ext).toBe('rescanvas.json');
  });

  it("packages the entry point package.json names", () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/electron/main.cjs');
    expect(config.files).toContain('dist/electron/**');
  });
});
