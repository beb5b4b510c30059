import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupPathOf, writeFileAtomic } from '../../../electron/files/atomicWrite';
import { tempDir } from './support';

describe('writeFileAtomic', () => {
  it('creates a file, then replaces it keeping the previous version as .bak', async () => {
    const file = join(tempDir(), 'a.rescanvas.json');
    await writeFileAtomic(file, 'one', { keepBackup: true });
    expect(readFileSync(file, 'utf8')).toBe('one');
    expect(existsSync(backupPathOf(file))).toBe(false);
    await writeFileAtomic(file, 'two', { keepBackup: true });
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readFileSync(backupPathOf(file), 'utf8')).toBe('one');
    await writeFileAtomic(file, new TextEncoder().encode('three'), { keepBackup: true });
    expect(readFileSync(file, 'utf8')).toBe('three');
    expect(readFileSync(backupPathOf(file), 'utf8')).toBe('two');
  });

  it('leaves the old file intact and no temporary file behind when the save fails before the rename', async () => {
    const dir = tempDir();
    const file = join(dir, 'a.rescanvas.json');
    writeFileSync(file, 'precious');
    await expect(
      writeFileAtomic(file, 'new content', {
        keepBackup: true,
        beforeCommit: () => {
          throw new Error('simulated crash between write and rename');
        },
      }),
    ).rejects.toThrow('simulated crash');
    expect(readFileSync(file, 'utf8')).toBe('precious');
    expect(readdirSync(dir)).toEqual(['a.rescanvas.json']);
  });

  it('leaves the old file intact when the process is killed between write and rename', async () => {
    const dir = tempDir();
    const file = join(dir, 'a.rescanvas.json');
    writeFileSync(file, 'precious');
    const script = `
      import { writeFileAtomic } from ${JSON.stringify(join(__dirname, '../../../electron/files/atomicWrite.ts'))};
      await writeFileAtomic(${JSON.stringify(file)}, 'x'.repeat(1_000_000), {
        keepBackup: true,
        beforeCommit: () => { process.stdout.write('written\\n'); return new Promise(() => {}); },
      });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('written')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    expect(readFileSync(file, 'utf8')).toBe('precious');
    // The only trace of the killed save is a hidden temp file, never a damaged target.
    const leftovers = readdirSync(dir).filter((n) => n !== 'a.rescanvas.json');
    expect(leftovers).toHaveLength(1);
    expect(leftovers[0]).toMatch(/^\.a\.rescanvas\.json\.[0-9a-f]+\.tmp$/);
  });

  it('fails without touching anything when the folder does not exist', async () => {
    const file = join(tempDir(), 'missing', 'a.json');
    await expect(writeFileAtomic(file, 'x')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
