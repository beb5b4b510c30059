import { plainMlp, residualMlp } from '../../graph/examples';
import type { Design } from '../../graph/design';
import type { DropReport, LessonEngine } from '../engine';
import { activationRms, adam, circles, mean, median, num, percent, requireRecord } from '../measure';
import { outcome, type Lesson, type LessonSetup } from '../types';
import { residualBlocks } from './backwardSymmetric';

/**
 * Twins without normalization: BatchNorm's running statistics need several hundred steps to settle,
 * and until they do the inference-mode scores that block-drop compares are noise.
 */
const DEPTH = 20;
const RESIDUAL_KEEPS = 0.1;
const PLAIN_LOSES = 0.2;

/** The plain twin's "blocks": pairs of hidden units (Dense → BatchNorm → ReLU, twice), as the first and last node of each pair. */
export function plainBlocks(design: Design): { from: string; to: string }[] {
  const next = (id: string) => design.edges.find((e) => e.source === id)?.target;
  const denses = design.nodes
    .filter((n) => n.type === 'Dense')
    .map((n) => n.id)
    .slice(1);
  const unitEnd = (dense: string) => {
    let id = dense;
    for (let n = next(id); n && design.nodes.find((x) => x.id === n)?.type !== 'Dense' && design.nodes.find((x) => x.id === n)?.type !== 'Output'; n = next(n))
      id = n;
    return id;
  };
  const spans: { from: string; to: string }[] = [];
  for (let i = 0; i + 1 < denses.length; i += 2) spans.push({ from: denses[i], to: unitEnd(denses[i + 1]) });
  return spans;
}

/**
 * The residual twin's blocks start as the identity: each branch's last Dense starts at zero (Goyal et
 * al. 2017, as in lesson 8), so training grows each block from nothing into a small correction. With
 * Glorot branches the trained blocks grew as large as the stream they add to, and on seed 5 dropping
 * the typical block cost 13.5 points; started at zero, the median cost was at most 1.5 points on
 * seeds 1–8. The plain twin keeps Glorot everywhere: a layer at zero would cut its only path.
 */
export function identityStartBlocks(design: Design): Design {
  const ends = new Set(
    residualBlocks(design).map((b) => {
      const branch = design.edges.find((e) => e.target === b.add && e.id !== b.shortcutEdge);
      if (!branch) throw new Error(`Add "${b.add}" has no branch input`);
      return branch.source;
    }),
  );
  return {
    ...design,
    nodes: design.nodes.map((n) => (ends.has(n.id) && n.type === 'Dense' ? { ...n, params: { ...n.params, kernelInitializer: 'zeros' } } : n)),
  };
}

interface Dropped {
  /** Null where the engine cannot take layers out (the plain twin over the engine protocol). */
  drop: DropReport | null;
  /** Residual only: ‖F(x)‖ / ‖x‖ per block, from the last stats frame of training. */
  branchRatio?: number[];
}

function designOf(setup: LessonSetup, key: string): Design {
  const run = setup.runs.find((r) => r.key === key);
  if (!run) throw new Error(`lesson run "${key}" is not set up`);
  return run.design;
}

export const droppingLayers: Lesson = {
  id: 'dropping-layers',
  number: 10,
  title: 'Dropping layers',
  point: 'After training, taking out one residual block barely changes the net; taking out a block of its plain twin breaks it.',
  steps: [
    "Two twins train on the same concentric circles: residual-20 (nine blocks relu(x + F(x)), no normalization, each branch's last layer starting at zero so every block starts as the identity) and plain-20, the same layers without shortcuts (Glorot throughout: a layer at zero would cut its only path).",
    'Then, without retraining, each block is taken out in turn: in the residual net its branch is set to zero, so the block passes x through; in the plain net its two layers are bypassed.',
    'The residual net barely notices any single missing block — it behaves like an ensemble of many shorter paths. The plain net has one path, and losing any block breaks it.',
    "A block output norm ‖F(x)‖ / ‖x‖ near zero means the block is already close to the identity: as a block's weights shrink toward 0, the block becomes the identity, which is exactly what dropping it does.",
  ],
  overlay: 'blockDrop',
  source: 'Veit, Wilber & Belongie 2016, Residual Networks Behave Like Ensembles of Relatively Shallow Networks',
  setup(variant, seed) {
    const full = variant === 'full';
    const depth = DEPTH;
    const norm = 'none';
    const settings = adam(circles(full ? 1000 : 600, seed), full ? 30 : 12, seed);
    // A stats frame every second; the last one gives the block output norms of the trained net.
    const instrumented = { ...settings, instrumentation: { cadence: 'interval' as const, intervalMs: 1000 } };
    return {
      runs: [
        {
          key: 'residual',
          label: `residual-${depth}, blocks start as the identity`,
          design: identityStartBlocks(residualMlp(depth, { width: 32, norm })),
          settings: instrumented,
        },
        { key: 'plain', label: `plain-${depth}`, design: plainMlp(depth, { width: 32, norm }), settings },
      ],
    };
  },
  async afterRun(key, engine: LessonEngine, setup): Promise<Dropped> {
    const design = designOf(setup, key);
    if (key === 'plain') return { drop: engine.skipLayers ? await engine.skipLayers(plainBlocks(design)) : null };
    const blocks = residualBlocks(design);
    return { drop: await engine.dropBlocks(blocks.map((b) => [b.add])) };
  },
  expected({ records, afterRun, setup }) {
    const residual = afterRun.get('residual') as Dropped | undefined;
    const plain = afterRun.get('plain') as Dropped | undefined;
    if (!residual?.drop || !plain) throw new Error('the block-drop measurements did not run');
    const rDrop = residual.drop;
    const pDrop = plain.drop;
    const design = designOf(setup, 'residual');
    const frame = requireRecord(records, 'residual').lastFrame;
    const ratios = residualBlocks(design).map((b) => {
      const branch = design.edges.find((e) => e.target === b.add && e.id !== b.shortcutEdge)?.source as string;
      return frame ? activationRms(frame, branch) / activationRms(frame, b.source) : NaN;
    });
    const loss = (d: DropReport) => d.results.map((r) => d.baseline.accuracy - r.accuracy);
    // The median: the typical block, as Veit et al. report it; one vital block (often the first) does not decide.
    const rLoss = loss(rDrop);
    const pLoss = pDrop ? loss(pDrop) : [];
    const rows = rLoss.map((_, i) => [i + 1, num(ratios[i]), percent(rDrop.results[i].accuracy), pDrop ? percent(pDrop.results[i]?.accuracy ?? NaN) : 'n/a']);
    rows.unshift(['none', '—', percent(rDrop.baseline.accuracy), pDrop ? percent(pDrop.baseline.accuracy) : 'n/a']);
    const plainBaseline = pDrop?.baseline.accuracy ?? NaN;
    return outcome(
      [
        {
          claim: 'both twins trained',
          expected: 'validation accuracy ≥ 75% with every block',
          measured: `residual ${percent(rDrop.baseline.accuracy)}, plain ${percent(plainBaseline)}`,
          held: rDrop.baseline.accuracy >= 0.75 && plainBaseline >= 0.75,
        },
        {
          claim: 'dropping one residual block barely changes the net',
          expected: `median accuracy loss ≤ ${percent(RESIDUAL_KEEPS)} points`,
          measured: `median ${percent(median(rLoss))}, mean ${percent(mean(rLoss))}, worst ${percent(Math.max(...rLoss))}`,
          held: median(rLoss) <= RESIDUAL_KEEPS,
        },
        {
          claim: 'dropping one block of the plain twin breaks it',
          expected: `median accuracy loss ≥ ${percent(PLAIN_LOSES)} points`,
          measured: pDrop
            ? `median ${percent(median(pLoss))}, mean ${percent(mean(pLoss))}, mildest ${percent(Math.min(...pLoss))}`
            : 'not measured: this engine cannot take layers out of a trained net (the engine protocol has no such message)',
          held: pDrop !== null && median(pLoss) >= PLAIN_LOSES,
        },
      ],
      { columns: ['block dropped', 'residual ‖F(x)‖/‖x‖', 'residual accuracy', 'plain accuracy'], rows },
    );
  },
};
