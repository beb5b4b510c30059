import type { Command } from 'commander';
import { createWriteStream, type WriteStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import cliProgress from 'cli-progress';
import { readDesignFile } from '../designFile';
import { UsageError } from '../errors';
import { EngineSession } from '../../src/engine/session';
import { selectBackend, describeBackend } from '../../src/engine/backends/select';
import { portableCandidates } from '../../src/engine/backends/portable';
import { nodeBackendCandidates } from '../../electron/engine/nodeBackends';
import { BackendName, Optimizer, TrainSettings } from '../../src/protocol/settings';
import { DatasetSpec } from '../../src/engine/datasets/spec';
import { PROTOCOL_VERSION, describeIssues, type FromEngine } from '../../src/protocol/messages';
import { ACTIVATION_FIELDS, GRADIENT_FIELDS, statValue, statsFrameToJson, type StatsFrame } from '../../src/protocol/stats';

interface TrainOptions {
  dataset: string;
  epochs: string;
  optimizer: string;
  lr: string;
  batch: string;
  seed: string;
  backend?: string;
  log?: string;
  fit?: boolean;
  statsIntervalMs: string;
}

function number(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value)) throw new UsageError(`--${name}: "${text}" is not a number`);
  return value;
}

/** The vanishing-gradient profile: activation std and gradient RMS per node, input to output. */
export function depthTable(frame: StatsFrame): string {
  const rows = frame.nodes.ids.map((id, row) => {
    const std = statValue(frame.nodes.activation, ACTIVATION_FIELDS, row, 'std');
    const rms = statValue(frame.nodes.gradient, GRADIENT_FIELDS, row, 'rms');
    return [String(row), id, Number.isFinite(std) ? std.toExponential(2) : '—', Number.isFinite(rms) ? rms.toExponential(2) : '—'];
  });
  const header = ['depth', 'node', 'activation std', 'gradient RMS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a design on a built-in dataset, streaming loss, accuracy and per-node statistics')
    .argument('<design>', 'a .rescanvas.json design file')
    .option('--dataset <kind>', 'spirals, twoMoons, circles, xor, gaussianBlobs, shapes or mnist', 'spirals')
    .option('--epochs <n>', 'epochs', '20')
    .option('--optimizer <name>', 'sgd, momentum, nesterov, adam, adamw or rmsprop', 'adam')
    .option('--lr <rate>', 'learning rate', '1e-3')
    .option('--batch <n>', 'batch size', '64')
    .option('--seed <n>', 'seed for data order, weights and dropout', '1')
    .option('--backend <name>', 'force a backend: tensorflow-gpu, tensorflow, wasm or cpu')
    .option('--log <file>', 'write every stats frame as JSON lines (schema: src/protocol/stats.ts)')
    .option('--fit', "set the design's Input shape and Output units from the dataset")
    .option('--stats-interval-ms <ms>', 'stats frame cadence in wall-time milliseconds', '100')
    .action(async (file: string, options: TrainOptions) => {
      const design = await readDesignFile(file);
      const dataset = DatasetSpec.safeParse({ kind: options.dataset });
      if (!dataset.success) throw new UsageError(`--dataset: "${options.dataset}" is not a dataset this command can load (spirals, twoMoons, circles, xor, gaussianBlobs, shapes, mnist)`);
      const optimizer = Optimizer.safeParse(options.optimizer);
      if (!optimizer.success) throw new UsageError(`--optimizer: "${options.optimizer}" is not one of ${Optimizer.options.join(', ')}`);
      const backend = options.backend === undefined ? undefined : BackendName.safeParse(options.backend);
      if (backend && !backend.success) throw new UsageError(`--backend: "${options.backend}" is not one of ${BackendName.options.join(', ')}`);
      const settings = TrainSettings.safeParse({
        dataset: dataset.data,
        epochs: number('epochs', options.epochs),
        batchSize: number('batch', options.batch),
        seed: number('seed', options.seed),
        optimizer: { name: optimizer.data, learningRate: number('lr', options.lr) },
        instrumentation: { cadence: 'interval', intervalMs: number('stats-interval-ms', options.statsIntervalMs) },
        fitDesignToDataset: options.fit ?? false,
      });
      if (!settings.success) throw new UsageError(`invalid settings: ${describeIssues(settings.error)}`);

      const report = await selectBackend([...nodeBackendCandidates(tf), ...portableCandidates(tf)], backend?.data);
      console.log(`backend: ${describeBackend(report)}`);
      const log: WriteStream | null = options.log ? createWriteStream(options.log) : null;
      const bar = new cliProgress.SingleBar({ format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | loss {loss} | acc {acc} | {rate} steps/s', hideCursor: true }, cliProgress.Presets.shades_classic);
      let lastFrame: StatsFrame | null = null;
      let failure: string | null = null;
      let barStarted = false;
      const session = new EngineSession(tf, {
        backend: report,
        statsMaxInFlight: Infinity,
        clock: { now: () => performance.now(), yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) },
        post: (message: FromEngine) => {
          switch (message.type) {
            case 'progress':
              if (!barStarted) {
                bar.start(message.totalSteps, 0, { epoch: 1, epochs: message.epochs, loss: '-', acc: '-', rate: '-' });
                barStarted = true;
              }
              bar.update(message.step, { epoch: message.epoch + 1, epochs: message.epochs, loss: message.loss.toFixed(4), acc: message.accuracy.toFixed(3), rate: message.stepsPerSecond.toFixed(0) });
              return;
            case 'metrics': {
              const validation = message.validationLoss === null ? '' : `, validation loss ${message.validationLoss.toFixed(4)}, accuracy ${(message.validationAccuracy ?? 0).toFixed(3)}`;
              bar.stop();
              barStarted = false;
              console.log(`epoch ${message.epoch}: loss ${message.loss.toFixed(4)}, accuracy ${message.accuracy.toFixed(3)}${validation} (${(message.durationMs / 1000).toFixed(1)} s)`);
              return;
            }
            case 'statsFrame':
              lastFrame = message.frame;
              log?.write(`${statsFrameToJson(message.frame)}\n`);
              return;
            case 'diagnostics':
              for (const d of message.diagnostics) console.error(`${d.severity}: ${d.nodeId ? `${d.nodeId}: ` : ''}${d.message}${d.fix ? ' (rerun with --fit)' : ''}`);
              return;
            case 'error':
              failure = message.message;
              return;
            case 'done':
              bar.stop();
              console.log(`done (${message.reason}) after ${message.epochs} epochs, ${message.steps} steps`);
              return;
            default:
              return;
          }
        },
      });
      await session.handle({ v: PROTOCOL_VERSION, type: 'loadDesign', design });
      if (failure === null) await session.handle({ v: PROTOCOL_VERSION, type: 'start', runId: 'cli', settings: settings.data });
      await session.idle();
      session.dispose();
      await new Promise<void>((resolve) => (log ? log.end(resolve) : resolve()));
      if (failure !== null) throw new UsageError(failure);
      if (lastFrame) console.log(`\nper-node profile at step ${(lastFrame as StatsFrame).step}:\n${depthTable(lastFrame)}`);
    });
}
