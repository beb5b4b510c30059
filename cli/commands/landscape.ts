import type { Command } from 'commander';
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import { UsageError } from '../errors';
import { writeFilesAtomically } from '../output';
import { cliEngine, number, trainingFlags, trainingSetup, type TrainingFlags } from '../trainingSetup';
import { request } from '../../src/protocol/request';
import { LANDSCAPE_DEFAULTS } from '../../src/engine/landscapeDefaults';
import { describeIssues, LossLandscape, PROTOCOL_VERSION, type LandscapeResult } from '../../src/protocol/messages';

interface LandscapeOptions extends TrainingFlags {
  out: string;
  force?: boolean;
  resolution: string;
  span: string;
  directionSeed: string;
  samples: string;
}

export const LANDSCAPE_FORMAT = 'rescanvas.landscape';

const SHADES = ' .:-=+*#%@';

/** The grid as text, high loss dark, row 0 (the most negative b) at the bottom as on a plot. */
export function landscapeChart(result: Pick<LandscapeResult, 'resolution' | 'loss'>): string {
  const finite = result.loss.filter((v): v is number => v !== null);
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  const rows: string[] = [];
  for (let row = result.resolution - 1; row >= 0; row--) {
    let line = '';
    for (let col = 0; col < result.resolution; col++) {
      const v = result.loss[row * result.resolution + col];
      const t = v === null ? 1 : high > low ? (v - low) / (high - low) : 0;
      line += SHADES[Math.min(SHADES.length - 1, Math.floor(t * SHADES.length))].repeat(2);
    }
    rows.push(line);
  }
  return rows.join('\n');
}

export function registerLandscape(program: Command): void {
  const command = program
    .command('landscape')
    .description(
      'train a design, then measure its training loss on a 2-D slice of weight space around the trained weights (two random filter-normalized directions, Li et al. 2018) and write it as JSON',
    )
    .argument('<design>', 'a .rescanvas.json design file')
    .requiredOption('--out <file>', 'where to write the landscape (JSON)')
    .option('--force', 'replace --out if it exists')
    .option('--resolution <n>', 'grid points per axis (odd, 3 to 61)', String(LANDSCAPE_DEFAULTS.resolution))
    .option('--span <x>', "the grid covers -span to span along each direction, in units of each filter's norm", String(LANDSCAPE_DEFAULTS.span))
    .option('--direction-seed <n>', 'seed of the two random directions', String(LANDSCAPE_DEFAULTS.seed))
    .option('--samples <n>', 'training examples the loss is measured on', String(LANDSCAPE_DEFAULTS.samples));
  // Training flags left out come from the design's training preset, if it has one.
  trainingFlags(command).action(async (file: string, options: LandscapeOptions, command: Command) => {
    // Checked before anything trains: a bad grid should not cost a training run.
    const asked = LossLandscape.safeParse({
      v: PROTOCOL_VERSION,
      type: 'lossLandscape',
      requestId: 'cli',
      resolution: number('resolution', options.resolution),
      span: number('span', options.span),
      seed: number('direction-seed', options.directionSeed),
      samples: number('samples', options.samples),
    });
    if (!asked.success) throw new UsageError(`invalid landscape options: ${describeIssues(asked.error).replace(/^(\w+):/, '--$1:')}`);
    const { design, settings, backend } = await trainingSetup(file, options, command);
    const engine = cliEngine(backend);
    let failure: string | null = null;
    const bar = new cliProgress.SingleBar({ format: 'loss landscape [{bar}] {percentage}%', hideCursor: true }, cliProgress.Presets.shades_classic);
    let barStarted = false;
    engine.link.subscribe((message) => {
      if (message.type === 'metrics') console.log(`epoch ${message.epoch}: loss ${message.loss.toFixed(4)}, accuracy ${message.accuracy.toFixed(3)}`);
      else if (message.type === 'error' && message.requestId === undefined) failure = message.message;
      else if (message.type === 'done' && message.reason !== 'completed') failure = `training ended early (${message.reason})`;
      else if (message.type === 'landscapeProgress') {
        if (!barStarted) bar.start(100, 0);
        barStarted = true;
        bar.update(Math.round(message.done * 100));
      }
    });
    let result: LandscapeResult;
    try {
      await request(engine.link, { type: 'loadDesign', design });
      engine.link.send({ type: 'start', runId: 'landscape', settings });
      await engine.settled();
      if (failure !== null) throw new UsageError(failure);
      const { resolution, span, seed, samples } = asked.data;
      result = await request(engine.link, { type: 'lossLandscape', resolution, span, seed, samples });
    } catch (error) {
      throw error instanceof UsageError ? error : new UsageError(error instanceof Error ? error.message : String(error));
    } finally {
      bar.stop();
      await engine.settled();
      engine.dispose();
    }
    const { v: _v, type: _type, requestId: _id, ...landscape } = result;
    const document = {
      format: LANDSCAPE_FORMAT,
      version: 1,
      designName: design.metadata.name,
      directions: 'filter-normalized random (Li et al. 2018); biases and normalization parameters not moved',
      seed: asked.data.seed,
      training: { epochs: settings.epochs, batchSize: settings.batchSize, seed: settings.seed, optimizer: settings.optimizer, dataset: settings.dataset.kind },
      ...landscape,
    };
    await writeFilesAtomically(options.out, [{ name: basename(options.out), data: `${JSON.stringify(document)}\n` }], options.force ?? false);
    const finite = landscape.loss.filter((v): v is number => v !== null);
    console.log(landscapeChart(landscape));
    console.log(
      `loss at the trained weights ${landscape.centerLoss.toFixed(4)}; over the slice ${Math.min(...finite).toFixed(4)} to ${Math.max(...finite).toFixed(4)}; roughness ${landscape.roughness.toFixed(3)} (0 = convex)`,
    );
    console.log(`wrote ${options.out}`);
  });
}
