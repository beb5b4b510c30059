import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'rescanvas.mjs'), 'lesson', ...args], { cwd: root, encoding: 'utf8' });

describe('rescanvas lesson', () => {
  it('--list names every lesson', () => {
    const r = run('--list');
    expect(r.status).toBe(0);
    expect(r.stdout.match(/^\s*\d+ {2}\S+/gm)).toHaveLength(11);
    expect(r.stdout).toContain('residuals-fix-it');
  });

  it('--help states the exit codes', () => {
    const r = run('--help');
    expect(r.stdout).toMatch(/0 the expected outcome held, 3 it did not hold/);
  });

  it('refuses an unknown lesson and a bad seed with exit code 2 and a message naming them', () => {
    const unknown = run('no-such-lesson');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no lesson "no-such-lesson"');
    const seed = run('7', '--seed', '-4');
    expect(seed.status).toBe(2);
    expect(seed.stderr).toContain('--seed');
    const none = run();
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('--list');
  });

  it('runs a quick lesson: steps, outcome table, verdict and exit code 0 when it held', { timeout: 120_000 }, () => {
    const r = run('gradients-travel-further', '--quick', '--seed', '2');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('1. Three nets of 40 blocks');
    expect(r.stdout).toMatch(/plain\s+[\d.e+-]+\s+/);
    expect(r.stdout).toContain('Outcome: held');
  });
});
