import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDesignFile } from '../../../electron/files/designFiles';
import { readRunLogFile } from '../../../electron/ipc/readRunLog';
import { exampleDesigns } from '../../../src/graph/examples';
import { serializeDesign } from '../../../src/graph/parse';
import { decodeTextFile } from '../../../src/protocol/textFile';

const dir = mkdtempSync(join(tmpdir(), 'rescanvas-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const encode = (text: string) => new TextEncoder().encode(text);

describe('decodeTextFile: the one UTF-8 reader of every host', () => {
  it('drops a byte-order mark and keeps everything else', () => {
    expect(decodeTextFile(encode('\ufeff{"a": "é"}'), 'x.json', 'a design')).toEqual({ ok: true, text: '{"a": "é"}' });
    expect(decodeTextFile(encode('{}'), 'x.json', 'a design')).toEqual({ ok: true, text: '{}' });
    expect(decodeTextFile(new Uint8Array(0), 'x.json', 'a design')).toEqual({ ok: true, text: '' });
  });

  it('refuses invalid UTF-8 (a Latin-1 é, a lone continuation byte, a truncated sequence) instead of replacing it', () => {
    for (const bytes of [[0x7b, 0xe9, 0x7d], [0x80], [0xe2, 0x82]]) {
      expect(decodeTextFile(new Uint8Array(bytes), 'x.json', 'a ResCanvas design')).toEqual({
        ok: false,
        message: 'x.json: not a text file (invalid UTF-8), so not a ResCanvas design',
      });
    }
  });
});

describe('the desktop app reads designs and run logs through it', () => {
  const design = serializeDesign(exampleDesigns()['residual-mlp-20.rescanvas.json']);

  it('opens a design saved with a BOM and refuses one with invalid bytes', async () => {
    writeFileSync(join(dir, 'bom.json'), `\ufeff${design}`);
    expect(await readDesignFile(join(dir, 'bom.json'))).toMatchObject({ ok: true });
    writeFileSync(join(dir, 'latin1.json'), Buffer.from(design.replace('"name":', '"nãme":'), 'latin1'));
    expect(await readDesignFile(join(dir, 'latin1.json'))).toEqual({
      ok: false,
      message: 'latin1.json: not a text file (invalid UTF-8), so not a ResCanvas design',
    });
  });

  it('opens a run log with a BOM, refuses a FIFO without hanging', async () => {
    writeFileSync(join(dir, 'run.jsonl'), '\ufeff{"type":"run"}\n');
    expect(await readRunLogFile(join(dir, 'run.jsonl'))).toEqual({ status: 'opened', name: 'run.jsonl', text: '{"type":"run"}\n' });
    expect(await readRunLogFile('/dev/null')).toEqual({ status: 'error', message: 'null: not a file' });
  });
});
