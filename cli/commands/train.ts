import type { Command } from 'commander';
import { closeSync, openSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import { UsageError } from '../errors';
import { cliEngine, trainingFlags, trainingSetup, type TrainingFlags } from '../trainingSetup';
import { EngineReplyError, request } from '../../src/protocol/request';
import { isFatalEngineError } from '../../src/engine/session';
import type { TrainSettings } from '../../src/schema/settings';
import type { FromEngine } from '../../src/protocol/messages';
import { ACTIVATION_FIELDS, GRADIENT_FIELDS, statValue, type StatsFrame } from '../../src/schema/stats';
import { endLine, epochLine, RUN_LOG_FORMAT, RUN_LOG_VERSION, runHeaderLine, statsLine } from '../../src/protocol/runLog';
import type { Design } from '../../src/graph/design';
import { unroll } from '../../src/graph/unroll';

interface TrainOptions extends TrainingFlags {
  log?: string;
}

/** A fatal engine failure: the engine's memory is not to be trusted after it, so the run ends here and says what to change. */
const crashText = (message: string): string => `${message}; nothing was trained to the end: lower --batch or make the design smaller`;

const finite = (value: number | null): number | null => (value !== null && Number.isFinite(value) ? value : null);

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

/** The unrolled ids the engine's frames carry: nodes on a path from the Input to the Output, in order. */
export function modelNodeIds(design: Design): string[] {
  let nodes;
  try {
    nodes = unroll(design).nodes;
  } catch {
    return []; // a design with a cycle: the engine refuses it with a diagnostic of its own
  }
  const input = nodes.find((n) => n.node.type === 'Input')?.id;
  const output = nodes.find((n) => n.node.type === 'Output')?.id;
  const fed = new Set<string>();
  for (const n of nodes) if (n.id === input || n.inputs.some((e) => fed.has(e.source))) fed.add(n.id);
  const feeds = new Set<string>(output ? [output] : []);
  for (const n of [...nodes].reverse()) if (feeds.has(n.id)) for (const e of n.inputs) feeds.add(e.source);
  return nodes.filter((n) => fed.has(n.id) && feeds.has(n.id)).map((n) => n.id);
}

/** The dataset as the run log records it: an image folder's pixels stay out (its name, classes and size say what it was). */
function loggedDataset(spec: TrainSettings['dataset']): Record<string, unknown> {
  if (spec.kind !== 'images') return spec;
  const { pixels, labels, ...rest } = spec;
  return { ...rest, images: labels.length, pixelBytes: pixels.length };
}

/** A run log file (src/protocol/runLog.ts), one synchronous write per record: a killed run leaves every line it wrote. */
class RunLogFile {
  private readonly fd: number;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'w');
    } catch (error) {
      throw new UsageError(`--log ${path}: cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }

  write(line: string): void {
    writeSync(this.fd, `${line}\n`);
  }

  close(): void {
    closeSync(this.fd);
  }
}

export function registerTrain(program: Command): void {
  const command = program
    .command('train')
    .description('train a design on a built-in dataset, streaming loss, accuracy and per-node statistics')
    .argument('<design>', 'a .rescanvas.json design file')
    .option('--log <file>', 'write a run log (JSON lines: header, stats frames, epochs, end; src/protocol/runLog.ts) that the app can replay');
  // Flags left out come from the design's training preset, if it has one.
  trainingFlags(command).action(async (file: string, options: TrainOptions, command: Command) => {
    const { design, settings, backend: report } = await trainingSetup(file, options, command);
    const log = options.log ? new RunLogFile(options.log) : null;
    const runId = `rescanvas-${new Date().toISOString().replace(/[-:]|\.\d+/g, '')}-${randomBytes(3).toString('hex')}`;
    log?.write(
      runHeaderLine({
        format: RUN_LOG_FORMAT,
        version: RUN_LOG_VERSION,
        source: 'rescanvas',
        runId,
        designName: design.metadata.name,
        design,
        nodeIds: modelNodeIds(design),
        worldSize: 1,
        settings: { ...settings, dataset: loggedDataset(settings.dataset), backend: report.active },
        startedAt: new Date().toISOString(),
      }),
    );
    const startedAt = performance.now();
    let step = 0;
    let stepsPerEpoch = 0;
    let epochs = 0;
    let ended = false;
    const bar = new cliProgress.SingleBar(
      { format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | loss {loss} | acc {acc} | {rate} steps/s', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let lastFrame: StatsFrame | null = null;
    let failure: string | null = null;
    let barStarted = false;
    const engine = cliEngine(report);
    engine.link.subscribe((message: FromEngine) => {
      switch (message.type) {
        case 'progress':
          if (!barStarted) {
            bar.start(message.totalSteps, 0, { epoch: 1, epochs: message.epochs, loss: '-', acc: '-', rate: '-' });
            barStarted = true;
          }
          step = message.step;
          stepsPerEpoch = message.stepsPerEpoch;
          bar.update(message.step, {
            epoch: message.epoch + 1,
            epochs: message.epochs,
            loss: message.loss.toFixed(4),
            acc: message.accuracy.toFixed(3),
            rate: message.stepsPerSecond.toFixed(0),
          });
          return;
        case 'metrics': {
          const validation =
            message.validationLoss === null
              ? ''
              : `, validation loss ${message.validationLoss.toFixed(4)}, accuracy ${(message.validationAccuracy ?? 0).toFixed(3)}`;
          bar.stop();
          barStarted = false;
          epochs = message.epoch;
          log?.write(
            epochLine({
              epoch: message.epoch,
              // Progress messages are throttled; every epoch runs stepsPerEpoch steps.
              step: stepsPerEpoch ? message.epoch * stepsPerEpoch : step,
              loss: finite(message.loss),
              accuracy: finite(message.accuracy),
              validationLoss: finite(message.validationLoss),
              validationAccuracy: finite(message.validationAccuracy),
              learningRate: finite(message.learningRate),
              elapsedMs: performance.now() - startedAt,
            }),
          );
          console.log(
            `epoch ${message.epoch}: loss ${message.loss.toFixed(4)}, accuracy ${message.accuracy.toFixed(3)}${validation} (${(message.durationMs / 1000).toFixed(1)} s)`,
          );
          return;
        }
        case 'statsFrame':
          lastFrame = message.frame;
          log?.write(statsLine(message.frame));
          return;
        case 'diagnostics':
          for (const d of message.diagnostics)
            console.error(`${d.severity}: ${d.nodeId ? `${d.nodeId}: ` : ''}${d.message}${d.fix ? ' (rerun with --fit)' : ''}`);
          return;
        case 'error':
          // The engine's memory is not to be trusted after a fatal failure: this run ends here, and says what to change.
          failure = message.code === 'crash' ? crashText(message.message) : message.message;
          return;
        case 'done':
          bar.stop();
          ended = true;
          log?.write(endLine({ reason: message.reason, step: message.steps, epoch: message.epochs, elapsedMs: performance.now() - startedAt }));
          console.log(`done (${message.reason}) after ${message.epochs} epochs, ${message.steps} steps`);
          return;
        default:
          return;
      }
    });
    try {
      await request(engine.link, { type: 'loadDesign', design });
      engine.link.send({ type: 'start', runId, settings: settings });
    } catch (error) {
      // The engine may fail while building the design's weights, before the run starts: same advice.
      failure = error instanceof EngineReplyError && error.code === 'crash' ? crashText(error.message) : error instanceof Error ? error.message : String(error);
    }
    await engine.settled();
    try {
      engine.dispose();
    } catch (error) {
      // After a fatal failure the wasm heap is not to be trusted, and freeing tensors in it can trap again;
      // the failure that matters was reported above.
      if (failure === null || !isFatalEngineError(error)) throw error;
    }
    // A run the engine refused still ends its log, so a reader can tell it from one that was cut off.
    if (!ended) log?.write(endLine({ reason: 'failed', step, epoch: epochs, elapsedMs: performance.now() - startedAt }));
    log?.close();
    if (failure !== null) throw new UsageError(failure);
    if (lastFrame) console.log(`\nper-node profile at step ${(lastFrame as StatsFrame).step}:\n${depthTable(lastFrame)}`);
  });
}
