import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { LANDSCAPE_FORMAT, landscapeChart, registerLandscape } from '../../../cli/commands/landscape';
import { LANDSCAPE_DEFAULTS, LANDSCAPE_RESOLUTIONS, LANDSCAPE_SPANS } from '../../../src/engine/landscapeDefaults';

const root = join(import.meta.dirname, '..', '..', '..');
const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'rescanvas.mjs'), ...args], { cwd: root, encoding: 'utf8' });
const example = (name: string) => join(root, 'assets', 'examples', name);

describe('rescanvas landscape', () => {
  it('trains the design, then writes the loss on a filter-normalized 2-D slice around its weights', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rescanvas-landscape-')), 'mlp20.landscape.json');
    const args = [
      'landscape',
      example('residual-mlp-20.rescanvas.json'),
      '--epochs',
      '1',
      '--size',
      '200',
      '--resolution',
      '5',
      '--span',
      '0.5',
      '--samples',
      '64',
      '--out',
      out,
    ];
    const r = run(...args);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.status).toBe(0);
    const written = JSON.parse(readFileSync(out, 'utf8')) as {
      format: string;
      resolution: number;
      coords: number[];
      loss: (number | null)[];
      centerLoss: number;
      roughness: number;
      samples: number;
      training: { epochs: number };
    };
    expect(written).toMatchObject({ format: LANDSCAPE_FORMAT, resolution: 5, coords: [-0.5, -0.25, 0, 0.25, 0.5], samples: 64, training: { epochs: 1 } });
    expect(written.loss).toHaveLength(25);
    expect(Number.isFinite(written.centerLoss)).toBe(true);
    expect(written.loss[12]).toBeCloseTo(written.centerLoss, 6);
    expect(written.roughness).toBeGreaterThanOrEqual(0);
    expect(written.roughness).toBeLessThanOrEqual(1);
    expect(r.stdout).toContain(`wrote ${out}`);
    expect(r.stdout).toMatch(/roughness \d\.\d{3}/);

    // The file is kept unless --force says otherwise.
    const again = run(...args);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('pass --force to replace');
  });

  it('refuses a grid without a centre before training anything', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rescanvas-landscape-')), 'x.json');
    const r = run('landscape', example('residual-mlp-20.rescanvas.json'), '--resolution', '4', '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^rescanvas: invalid landscape options: --resolution: resolution must be odd$/m);
    expect(r.stdout).not.toContain('epoch');
    expect(existsSync(out)).toBe(false);
  });

  it("takes its grid defaults from the ones the app's Training panel starts with", () => {
    const program = new Command();
    registerLandscape(program);
    const defaults = Object.fromEntries(program.commands[0].options.map((o) => [o.attributeName(), o.defaultValue as unknown]));
    expect(defaults).toMatchObject({
      span: String(LANDSCAPE_DEFAULTS.span),
      resolution: String(LANDSCAPE_DEFAULTS.resolution),
      samples: String(LANDSCAPE_DEFAULTS.samples),
      directionSeed: String(LANDSCAPE_DEFAULTS.seed),
    });
    expect(LANDSCAPE_DEFAULTS.span).toBe(0.25);
    // The app offers its defaults among its choices.
    expect(LANDSCAPE_SPANS).toContain(LANDSCAPE_DEFAULTS.span);
    expect(LANDSCAPE_RESOLUTIONS).toContain(LANDSCAPE_DEFAULTS.resolution);
  });

  it('draws the grid as text, lowest loss lightest, with the last row of the data on top as on a plot', () => {
    const chart = landscapeChart({ resolution: 3, loss: [0, 1, 2, 3, 4, 5, 6, 7, 8] });
    expect(chart.split('\n')).toEqual(['##%%@@', '--++**', '  ..::']);
  });
});
