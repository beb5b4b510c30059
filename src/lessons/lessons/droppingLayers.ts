import { plainMlp, residualMlp } from '../../graph/examples';
import type { Design } from '../../graph/design';
import type { DropReport, LessonEngine } from '../engine';
import { adam, mean, num, percent, requireRecord, spirals } from '../measure';
import { outcome, type Lesson, type LessonSetup } from '../types';
import { residualBlocks } from './backwardSymmetric';

const DEPTH = 20;
const RESIDUAL_KEEPS = 0.1;
const PLAIN_LOSES = 0.2;

/** The plain twin's "blocks": pairs of hidden units (Dense → BatchNorm → ReLU, twice), as the first and last node of each pair. */
export function plainBlocks(design: Design): { from: string; to: string }[] {
  const next = (id: string) => design.edges.find((e) => e.source === id)?.target;
  const denses = design.nodes.filter((n) => n.type === 'Dense').map((n) => n.id).slice(1);
  const unitEnd = (dense: string) => {
    let id = dense;
    for (let n = next(id); n && design.nodes.find((x) => x.id === n)?.type !== 'Dense' && design.nodes.find((x) => x.id === n)?.type !== 'Output'; n = next(n)) id = n;
    return id;
  };
  const spans: { from: string; to: string }[] = [];
  for (let i = 0; i + 1 < denses.length; i += 2) spans.push({ from: denses[i], to: unitEnd(denses[i + 1]) });
  return spans;
}

interface Dropped {
  drop: DropReport;
  /** Residual only: ‖F(x)‖ / ‖x‖ per block on the validation split. */
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
    'Two twins train on the same spirals: residual-20 (nine blocks relu(x + F(x)), BatchNorm) and plain-20, the same layers without shortcuts.',
    'Then, without retraining, each block is taken out in turn: in the residual net its branch is set to zero, so the block passes x through; in the plain net its two layers are bypassed.',
    'The residual net barely notices any single missing block — it behaves like an ensemble of many shorter paths. The plain net has one path, and losing any block breaks it.',
    'A block output norm ‖F(x)‖ / ‖x‖ near zero means the block is already close to the identity: as a block\'s weights shrink toward 0, the block becomes the identity, which is exactly what dropping it does.',
  ],
  overlay: 'blockDrop',
  source: 'Veit, Wilber & Belongie 2016, Residual Networks Behave Like Ensembles of Relatively Shallow Networks',
  setup(variant, seed) {
    const full = variant === 'full';
    const settings = adam(spirals(full ? 1000 : 600, seed), full ? 40 : 20, seed);
    return {
      runs: [
        { key: 'residual-20', label: 'residual-20', design: residualMlp(DEPTH, { width: 32, norm: 'batch' }), settings },
        { key: 'plain-20', label: 'plain-20', design: plainMlp(DEPTH, { width: 32, norm: 'batch' }), settings },
      ],
    };
  },
  async afterRun(key, engine: LessonEngine, setup): Promise<Dropped> {
    const design = designOf(setup, key);
    if (key === 'plain-20') return { drop: await engine.skipLayers(plainBlocks(design)) };
    const blocks = residualBlocks(design);
    const drop = await engine.dropBlocks(blocks.map((b) => [b.add]));
    const branches = blocks.map((b) => design.edges.find((e) => e.target === b.add && e.id !== b.shortcutEdge)?.source as string);
    const branchRms = await engine.activationRms(branches);
    const inputRms = await engine.activationRms(blocks.map((b) => b.source));
    return { drop, branchRatio: branchRms.map((g, i) => g / inputRms[i]) };
  },
  expected({ records, afterRun }) {
    const residual = afterRun.get('residual-20') as Dropped | undefined;
    const plain = afterRun.get('plain-20') as Dropped | undefined;
    if (!residual || !plain) throw new Error('the block-drop measurements did not run');
    requireRecord(records, 'residual-20');
    const loss = (d: Dropped) => d.drop.results.map((r) => d.drop.baseline.accuracy - r.accuracy);
    const rLoss = loss(residual);
    const pLoss = loss(plain);
    const rows = rLoss.map((_, i) => [
      i + 1,
      num(residual.branchRatio?.[i] ?? NaN),
      percent(residual.drop.results[i].accuracy),
      percent(plain.drop.results[i]?.accuracy ?? NaN),
    ]);
    rows.unshift(['none', '—', percent(residual.drop.baseline.accuracy), percent(plain.drop.baseline.accuracy)]);
    return outcome(
      [
        { claim: 'both twins trained', expected: 'validation accuracy ≥ 75% with every block', measured: `residual ${percent(residual.drop.baseline.accuracy)}, plain ${percent(plain.drop.baseline.accuracy)}`, held: residual.drop.baseline.accuracy >= 0.75 && plain.drop.baseline.accuracy >= 0.75 },
        { claim: 'dropping one residual block barely changes the net', expected: `mean accuracy loss ≤ ${percent(RESIDUAL_KEEPS)} points`, measured: `${percent(mean(rLoss))} (worst ${percent(Math.max(...rLoss))})`, held: mean(rLoss) <= RESIDUAL_KEEPS },
        { claim: 'dropping one block of the plain twin breaks it', expected: `mean accuracy loss ≥ ${percent(PLAIN_LOSES)} points`, measured: `${percent(mean(pLoss))} (mildest ${percent(Math.min(...pLoss))})`, held: mean(pLoss) >= PLAIN_LOSES },
      ],
      { columns: ['block dropped', 'residual ‖F(x)‖/‖x‖', 'residual accuracy', 'plain accuracy'], rows },
    );
  },
};
