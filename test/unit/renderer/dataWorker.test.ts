import { describe, expect, it } from 'vitest';
import { dataWorkerHandler, FRAMES_PER_MESSAGE } from '../../../renderer/data/dataWorkerHandler';
import { DataWorkerClient, DataWorkerError, inProcessPort } from '../../../renderer/data/dataWorkerClient';
import { DataWorkerReply } from '../../../renderer/data/dataWorkerProtocol';
import { runHeaderLine, statsLine } from '../../../src/protocol/runLog';
import type { StatsFrame } from '../../../src/schema/stats';
import { nodeStatsFrame } from '../../support/statsFrames';

/** Runs the worker's handler as the worker does, collecting what it posts and what it transfers. */
function harness() {
  const posted: { message: DataWorkerReply; transfer: Transferable[] }[] = [];
  const handle = dataWorkerHandler((message, transfer = []) => posted.push({ message: DataWorkerReply.parse(message), transfer }));
  return { posted, handle };
}

const csv = (rows: number) => `a,b,label\n${Array.from({ length: rows }, (_, i) => `${i},${i * 2},${i % 2 ? 'cat' : 'dog'}`).join('\n')}\n`;

const IDS = ['input', 'dense_1', 'out'];
const frame = (step: number): StatsFrame => nodeStatsFrame({ runId: 'run-1', ids: [...IDS], step, activation: () => step });
const header = runHeaderLine({
  format: 'rescanvas.runlog',
  version: 1,
  source: 'rescanvas',
  runId: 'run-1',
  designName: 'tiny',
  nodeIds: IDS,
  startedAt: 'now',
});
const runLog = (frames: number) => `${[header, ...Array.from({ length: frames }, (_, i) => statsLine(frame(i)))].join('\n')}\n`;

describe('data worker handler', () => {
  it('reads a CSV file into text, echoing the request id in its progress and its answer', async () => {
    const { posted, handle } = harness();
    const text = csv(2000);
    await handle({ type: 'readCsv', requestId: 'r1', name: 'data.csv', file: new Blob([`\uFEFF${text}`]) });
    const last = posted.at(-1)?.message;
    expect(last).toEqual({ type: 'csvText', requestId: 'r1', name: 'data.csv', text });
    expect(posted.every((p) => p.message.requestId === 'r1')).toBe(true);
    expect(posted.some((p) => p.message.type === 'progress' && p.message.stage === 'Reading the file')).toBe(true);
  });

  it('refuses invalid UTF-8 and an oversized CSV with the file named', async () => {
    const { posted, handle } = harness();
    await handle({ type: 'readCsv', requestId: 'bad', name: 'bad.csv', file: new Blob([new Uint8Array([0x61, 0xff, 0xfe, 0x0a])]) });
    expect(posted.at(-1)?.message).toEqual({
      type: 'error',
      requestId: 'bad',
      code: 'unreadable',
      message: 'bad.csv: not a text file (invalid UTF-8), so not a CSV file',
    });
    const huge = { size: 101 * 1024 * 1024, stream: () => new Blob([]).stream() };
    Object.setPrototypeOf(huge, Blob.prototype);
    await handle({ type: 'readCsv', requestId: 'big', name: 'big.csv', file: huge });
    expect(posted.at(-1)?.message).toMatchObject({
      type: 'error',
      requestId: 'big',
      code: 'refused',
      message: expect.stringMatching(/big\.csv is 101\.0 MB; ResCanvas reads CSV files up to 100 MB/),
    });
  });

  it('previews a CSV with parse progress and transfers the preview arrays', async () => {
    const { posted, handle } = harness();
    await handle({ type: 'previewDataset', requestId: 'p', spec: { kind: 'csv', name: 'data.csv', text: csv(100_000), seed: 1 }, limit: 600 });
    const last = posted.at(-1);
    expect(last?.message.type).toBe('preview');
    if (last?.message.type !== 'preview') return;
    expect(last.message.preview.kind).toBe('points');
    expect(last.transfer).toContain(last.message.preview.classCounts.buffer);
    const parsing = posted.filter((p) => p.message.type === 'progress' && p.message.stage === 'Parsing rows');
    expect(parsing.length).toBeGreaterThan(2);
  });

  it('reports a bad cell by row and column, as the loader words it', async () => {
    const { posted, handle } = harness();
    await handle({ type: 'loadDataset', requestId: 'x', spec: { kind: 'csv', name: 'data.csv', text: 'a,b,label\n1,2,x\n3,oops,y\n', seed: 1 } });
    expect(posted.at(-1)?.message).toEqual({
      type: 'error',
      requestId: 'x',
      code: 'refused',
      message: 'row 3, column "b" holds "oops", which is not a number; feature columns must be numeric (the label column is "label")',
    });
  });

  it('loads a whole dataset and transfers its typed arrays', async () => {
    const { posted, handle } = harness();
    await handle({ type: 'loadDataset', requestId: 'd', spec: { kind: 'spirals', size: 200, seed: 3 } });
    const last = posted.at(-1);
    expect(last?.message.type).toBe('dataset');
    if (last?.message.type !== 'dataset') return;
    const d = last.message.dataset;
    expect(d.train.count + d.validation.count).toBe(200);
    expect(last.transfer).toEqual(expect.arrayContaining([d.train.x.buffer, d.train.y.buffer, d.validation.x.buffer, d.validation.y.buffer]));
  });

  it('reads a run log from a file, sends its frames in slices, shares id lists between frames and transfers the frames’ arrays', async () => {
    const { posted, handle } = harness();
    const count = FRAMES_PER_MESSAGE + 200;
    await handle({ type: 'readRunLog', requestId: 'log', name: 'run.jsonl', source: new Blob([runLog(count)]), maxBytes: 1e9 });
    const last = posted.at(-1);
    expect(last?.message.type).toBe('runLog');
    if (last?.message.type !== 'runLog') return;
    expect(last.message.log.frames).toEqual([]);
    const slices = posted.filter((p) => p.message.type === 'runLogFrames');
    expect(slices.map((p) => (p.message.type === 'runLogFrames' ? p.message.frames.length : 0))).toEqual([FRAMES_PER_MESSAGE, 200]);
    const frames = slices.flatMap((p) => (p.message.type === 'runLogFrames' ? p.message.frames : []));
    expect(frames.map((f) => f.step)).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(frames[count - 1].nodes.ids).toBe(frames[0].nodes.ids);
    expect(slices[1].transfer).toContain(frames[FRAMES_PER_MESSAGE + 10].nodes.activation.buffer);
    expect(posted.some((p) => p.message.type === 'progress' && p.message.stage === 'Parsing lines')).toBe(true);
  });

  it('refuses a bad run-log line naming the file and line, and a log over the limit', async () => {
    const { posted, handle } = harness();
    await handle({ type: 'readRunLog', requestId: 'l', name: 'run.jsonl', source: `${header}\n{oops\n${statsLine(frame(1))}\n`, maxBytes: 1e9 });
    expect(posted.at(-1)?.message).toMatchObject({
      type: 'error',
      requestId: 'l',
      code: 'refused',
      message: expect.stringMatching(/^run\.jsonl: line 2: not JSON/),
    });
    await handle({ type: 'readRunLog', requestId: 'm', name: 'big.jsonl', source: new Blob([runLog(5)]), maxBytes: 100 });
    expect(posted.at(-1)?.message).toMatchObject({
      type: 'error',
      requestId: 'm',
      code: 'unreadable',
      message: expect.stringMatching(/big\.jsonl: .* is larger than a run log may be/),
    });
  });

  it('answers a malformed request with an error carrying its id', async () => {
    const { posted, handle } = harness();
    await handle({ type: 'readCsv', requestId: 'q', name: 'x.csv', file: 'not a blob' });
    expect(posted.at(-1)?.message).toMatchObject({ type: 'error', requestId: 'q', code: 'failed', message: expect.stringMatching(/malformed request: file/) });
  });

  it('drops a cancelled request at its next stage', async () => {
    const { posted, handle } = harness();
    const running = handle({ type: 'loadDataset', requestId: 'c', spec: { kind: 'csv', name: 'data.csv', text: csv(1000), seed: 1 } });
    await handle({ type: 'cancel', requestId: 'c' });
    await running;
    expect(posted.at(-1)?.message).toEqual({ type: 'error', requestId: 'c', code: 'cancelled', message: 'cancelled' });
  });
});

describe('data worker client', () => {
  it('matches answers to concurrent requests by id and passes progress to the right caller', async () => {
    const client = new DataWorkerClient(inProcessPort);
    const progress: string[] = [];
    const [a, b] = await Promise.all([
      client.readCsv(new Blob([csv(10)]), 'a.csv', { onProgress: (p) => progress.push(`a:${p.stage}`) }),
      client.loadDataset({ kind: 'xor', size: 100, seed: 1 }),
    ]);
    expect(a).toBe(csv(10));
    expect(b.train.count + b.validation.count).toBe(100);
    expect(progress).toContain('a:Reading the file');
  });

  it('does not send a CSV text back to the worker that read it: previews and loads name the read instead', async () => {
    const sent: unknown[] = [];
    const client = new DataWorkerClient(() => {
      const port = inProcessPort();
      const post = port.postMessage.bind(port);
      port.postMessage = (message, transfer) => {
        sent.push(message);
        post(message, transfer);
      };
      return port;
    });
    const text = await client.readCsv(new Blob([csv(50)]), 'a.csv');
    const preview = await client.preview({ kind: 'csv', name: 'a.csv', text, seed: 1 }, 600);
    expect(preview.kind).toBe('points');
    const dataset = await client.loadDataset({ kind: 'csv', name: 'a.csv', text, seed: 1 });
    expect(dataset.train.count + dataset.validation.count).toBe(50);
    const asked = sent.filter((m) => (m as { type: string }).type !== 'readCsv') as { spec: { text: string }; csvFrom?: string }[];
    expect(asked.map((m) => [m.spec.text, typeof m.csvFrom])).toEqual([
      ['', 'string'],
      ['', 'string'],
    ]);
    // Another text (edited, or from elsewhere) travels whole.
    await client.preview({ kind: 'csv', name: 'b.csv', text: csv(20), seed: 1 }, 600);
    expect((sent.at(-1) as { csvFrom?: string }).csvFrom).toBeUndefined();
  });

  it('gathers a run log sent in slices back into one log, in order', async () => {
    const client = new DataWorkerClient(inProcessPort);
    const count = FRAMES_PER_MESSAGE * 2 + 3;
    const log = await client.readRunLog(new Blob([runLog(count)]), 'run.jsonl', 1e9);
    expect(log.frames.map((f) => f.step)).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(log.header?.runId).toBeDefined();
  });

  it('rejects with the worker’s row and column message, and at once when aborted', async () => {
    const client = new DataWorkerClient(inProcessPort);
    await expect(client.loadDataset({ kind: 'csv', name: 'd.csv', text: 'a,label\n1,x\n,y\n', seed: 1 })).rejects.toThrow(/row 3, column "a" is empty/);
    const abort = new AbortController();
    const pending = client.loadDataset({ kind: 'csv', name: 'd.csv', text: csv(1000), seed: 1 }, { signal: abort.signal });
    abort.abort();
    await expect(pending).rejects.toEqual(new DataWorkerError('cancelled', 'cancelled'));
  });
});
