/**
 * The engine against PyTorch on the designs users train: the engine's real path (an EngineSession
 * running a Trainer over the plan, as the CLI and the app's worker do) and the design's exported
 * PyTorch package (train.py's step, Debian's PyTorch on 2 threads), from the same initial weights on
 * the same batches, taking turns round by round in one process tree. Reported per design: median
 * step time of each contender (the mean for the engine at its default cadence, where only some steps
 * carry a stats frame) and the engine ÷ PyTorch ratios, and how many stats frames a second of
 * training at the default cadence delivers (how live the overlay is).
 * Each design trains on the backend `rescanvas train` picks for it: threaded wasm for convolutional
 * designs, single-threaded for dense ones (threadChoice.ts). One process holds one backend, so
 * designs of both kinds run in one child process per kind; RESCANVAS_WASM_THREADS=N overrides.
 * `npx tsx test/bench/peer.ts [--rounds N] [--steps N] [--designs resnet20,mlp1002,mlp56]`
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, selectBackend } from '../../src/engine/backends/select';
import { portableCandidates } from '../../src/engine/backends/portable';
import { nodeBackendCandidates } from '../../node/nodeBackends';
import { compileDesign } from '../../src/compile/toTfjs';
import { buildPlan } from '../../src/engine/plan/plan';
import { seedKernels } from '../../src/engine/initialize';
import { loadDataset } from '../../src/engine/datasets';
import { EngineSession } from '../../src/engine/session';
import { seededRandom, shuffledIndices } from '../../src/engine/random';
import { cifarResNet, deepResidualMlp, residualMlp } from '../../src/graph/examples';
import { datasetForExport, exportPytorchPackage, weightsFromLayers } from '../../src/export/pytorch';
import { PROTOCOL_VERSION, type FromEngine } from '../../src/protocol/messages';
import { TrainSettings, type InstrumentationSettings } from '../../src/schema/settings';
import type { Design } from '../../src/graph/design';
import { DatasetSpec } from '../../src/schema/datasetSpec';

export interface PeerCase {
  key: string;
  /** Convolutional: the CLI trains it on threaded wasm. */
  convolutional: boolean;
  design: () => Design;
  dataset: DatasetSpec;
  batchSize: number;
  learningRate: number;
}

/** The three designs of the comparison, each on the data and batch size its example trains with. */
export const PEER_CASES: PeerCase[] = [
  {
    key: 'resnet20',
    convolutional: true,
    design: () => cifarResNet(3),
    dataset: DatasetSpec.parse({ kind: 'shapes', size: 2000 }),
    batchSize: 32,
    learningRate: 3e-3,
  },
  {
    key: 'mlp1002',
    convolutional: false,
    design: () => deepResidualMlp(500),
    dataset: DatasetSpec.parse({ kind: 'spirals', size: 600, noise: 0.05, turns: 1.25 }),
    batchSize: 64,
    learningRate: 3e-5,
  },
  {
    key: 'mlp56',
    convolutional: false,
    design: () => residualMlp(56),
    dataset: DatasetSpec.parse({ kind: 'spirals', size: 600, noise: 0.05, turns: 1.25 }),
    batchSize: 32,
    learningRate: 3e-3,
  },
];

export interface PeerRow {
  design: string;
  /** The engine's backend for this design, as the CLI would describe it, e.g. "wasm (SIMD on, 2 threads (2 cores))". */
  backend: string;
  dataset: string;
  batchSize: number;
  rounds: number;
  stepsPerRound: number;
  /** Median ms of one training step over all timed rounds. */
  engineOffMs: number;
  engineDefaultMs: number;
  torchMs: number;
  /** engine ÷ PyTorch: how many times slower the engine's step is. */
  ratioOff: number;
  ratioDefault: number;
  /** PyTorch's step on one thread, and how much faster its step is on o.threads (2) threads. */
  torchOneThreadMs: number;
  torchThreadSpeedup: number;
  /** Stats frames a second of training at the default cadence: how live the overlay is. */
  framesPerSecond: number;
  /** The ratio of each round's medians, to show the spread the load causes. */
  ratioOffPerRound: number[];
  /**
   * Median CPU time of a step (the engine's process; PyTorch's, all its threads) and their ratio:
   * less swayed than wall time by other work on a shared machine, though it charges PyTorch for
   * its second thread's time too.
   */
  engineOffCpuMs: number;
  torchCpuMs: number;
  ratioOffCpu: number;
}

export interface PeerResult {
  torch: { version: string; threads: number } | 'PyTorch not available';
  /** The 1-minute load average before and after, and the core count: ratios mean little on a busy machine. */
  load: { before: number; after: number; cores: number };
  rows: PeerRow[];
}

export interface PeerOptions {
  rounds?: number;
  stepsPerRound?: number;
  designs?: string[];
  threads?: number;
  onProgress?: (message: string) => void;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/** Debian's python3-torch lives under the system Python, which a pyenv `python3` on PATH may shadow. */
export function torchPython(): string | null {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  return null;
}

interface StepTimes {
  ms: number[];
  cpuMs: number[];
  /** Stats frames the engine sent during the round. */
  frames?: number;
}

const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** One engine run driven through the protocol, paused between rounds so another contender can take its turn. */
class EngineContender {
  private readonly session: EngineSession;
  private readonly runId: string;
  private started = false;
  private times: number[] = [];
  private cpuTimes: number[] = [];
  private target = 0;
  private last = 0;
  private lastCpu = 0;
  private roundDone: (() => void) | null = null;
  private frames = 0;
  private failure: string | null = null;

  constructor(
    design: Design,
    private readonly settings: TrainSettings,
    label: string,
  ) {
    this.runId = `peer-${label}`;
    this.session = new EngineSession(tf, {
      backend: { active: 'wasm', detail: 'bench', skipped: [], forced: true },
      statsMaxInFlight: Infinity,
      // Every step's progress is what the bench times; the UI's 50 ms throttle only drops messages.
      progressIntervalMs: 0,
      clock: { now: () => performance.now(), yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) },
      post: (message) => this.onMessage(message),
    });
    void this.session.handle({ v: PROTOCOL_VERSION, type: 'loadDesign', design });
  }

  private onMessage(message: FromEngine): void {
    if (message.type === 'error') this.failure = message.message;
    if (message.type === 'done' && message.reason !== 'stopped') this.failure ??= `the run ended early (${message.reason})`;
    if (message.type === 'error' || message.type === 'done') this.roundDone?.();
    if (message.type === 'statsFrame' && this.roundDone) this.frames++;
    if (message.type !== 'progress' || message.runId !== this.runId || !this.roundDone) return;
    const now = performance.now();
    const cpu = cpuMs();
    this.times.push(now - this.last);
    this.cpuTimes.push(cpu - this.lastCpu);
    this.last = now;
    this.lastCpu = cpu;
    if (this.times.length >= this.target) {
      void this.session.handle({ v: PROTOCOL_VERSION, type: 'pause', runId: this.runId });
      const done = this.roundDone;
      this.roundDone = null;
      done();
    }
  }

  /** Runs `steps` steps and returns each one's wall and CPU time (ms). */
  async round(steps: number): Promise<StepTimes> {
    this.times = [];
    this.cpuTimes = [];
    this.frames = 0;
    this.target = steps;
    const finished = new Promise<void>((resolve) => (this.roundDone = resolve));
    this.last = performance.now();
    this.lastCpu = cpuMs();
    if (this.started) await this.session.handle({ v: PROTOCOL_VERSION, type: 'resume', runId: this.runId });
    else {
      this.started = true;
      await this.session.handle({ v: PROTOCOL_VERSION, type: 'start', runId: this.runId, settings: this.settings });
    }
    await finished;
    if (this.failure) throw new Error(`engine (${this.runId}): ${this.failure}`);
    return { ms: this.times, cpuMs: this.cpuTimes, frames: this.frames };
  }

  async dispose(): Promise<void> {
    await this.session.handle({ v: PROTOCOL_VERSION, type: 'stop', runId: this.runId }).catch(() => {});
    await this.session.idle();
    this.session.dispose();
  }
}

/** The exported package trained by test/bench/torch_peer.py, a round at a time. */
class TorchContender {
  private readonly lines: AsyncIterator<string>;
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly version: string,
    readonly threads: number,
    lines: AsyncIterator<string>,
  ) {
    this.lines = lines;
  }

  static async start(python: string, packageDir: string, threads: number): Promise<TorchContender> {
    const script = join(import.meta.dirname, 'torch_peer.py');
    const child = spawn(python, [script, packageDir, '--threads', String(threads)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) throw new Error(`torch_peer.py did not start: ${stderr.trim()}`);
    const ready = JSON.parse(first.value) as { torch: string; threads: number };
    return new TorchContender(child, ready.torch, ready.threads, lines);
  }

  async round(batches: Int32Array[]): Promise<StepTimes> {
    this.child.stdin.write(`${JSON.stringify({ batches: batches.map((b) => Array.from(b)) })}\n`);
    const line = await this.lines.next();
    if (line.done) throw new Error('torch_peer.py ended during a round');
    return JSON.parse(line.value) as StepTimes;
  }

  dispose(): void {
    this.child.stdin.end(`${JSON.stringify({ quit: true })}\n`);
  }
}

/**
 * The batches the engine's Trainer takes, in its order (a seeded shuffle per epoch, the last batch
 * of an epoch short), so PyTorch is handed the same samples step for step.
 */
function* engineBatches(count: number, batchSize: number, seed: number): Generator<Int32Array> {
  const random = seededRandom(seed);
  for (;;) {
    const order = shuffledIndices(count, random);
    for (let b = 0; b * batchSize < count; b++) yield order.subarray(b * batchSize, Math.min((b + 1) * batchSize, count));
  }
}

async function benchCase(
  c: PeerCase,
  python: string,
  backend: string,
  o: Required<Omit<PeerOptions, 'designs' | 'onProgress'>> & Pick<PeerOptions, 'onProgress'>,
): Promise<{ row: PeerRow; torch: { version: string; threads: number } }> {
  const design = c.design();
  const dataset = await loadDataset(c.dataset);
  const seed = 1;
  const settingsFor = (instrumentation: Partial<InstrumentationSettings>) =>
    TrainSettings.parse({
      dataset: c.dataset,
      epochs: 100_000,
      batchSize: c.batchSize,
      seed,
      optimizer: { name: 'adam', learningRate: c.learningRate },
      instrumentation,
    });

  // The weights the engine's run starts from: the session seeds its kernels the same way.
  const compiled = compileDesign(design, tf);
  seedKernels(tf, buildPlan(compiled), compiled.graph, seed);
  const { files } = exportPytorchPackage(design, weightsFromLayers(compiled.nodeLayers), {
    dataset: datasetForExport(dataset),
    config: { optimizer: 'adam', learningRate: c.learningRate, batchSize: c.batchSize, seed, epochs: 1 },
  });
  compiled.dispose();
  const packageDir = mkdtempSync(join(tmpdir(), `rescanvas-peer-${c.key}-`));
  for (const f of files) {
    mkdirSync(dirname(join(packageDir, f.name)), { recursive: true });
    writeFileSync(join(packageDir, f.name), f.data);
  }

  const torch = await TorchContender.start(python, packageDir, o.threads);
  // PyTorch on one thread as well: what a second core gives a mature library on this machine, beside the app's threads on/off speed-up.
  const torchOne = await TorchContender.start(python, packageDir, 1);
  const off = new EngineContender(design, settingsFor({ cadence: 'off' }), `${c.key}-off`);
  const instrumented = new EngineContender(design, settingsFor({}), `${c.key}-default`);
  const batchesOff = engineBatches(dataset.train.count, c.batchSize, seed);
  const takeBatches = (n: number) => Array.from({ length: n }, () => batchesOff.next().value as Int32Array);
  let frames = 0;
  const times = {
    off: [] as number[],
    instrumented: [] as number[],
    torch: [] as number[],
    torchOne: [] as number[],
    offCpu: [] as number[],
    torchCpu: [] as number[],
  };
  const ratioOffPerRound: number[] = [];
  try {
    // Round 0 warms every contender up (kernels compiled, memory grown, PyTorch's allocator) and is not counted.
    for (let r = 0; r <= o.rounds; r++) {
      const offTimes = await off.round(o.stepsPerRound);
      const instrumentedTimes = await instrumented.round(o.stepsPerRound);
      const batches = takeBatches(o.stepsPerRound);
      const torchTimes = await torch.round(batches);
      const torchOneTimes = await torchOne.round(batches);
      if (r === 0) continue;
      times.torchOne.push(...torchOneTimes.ms);
      times.off.push(...offTimes.ms);
      times.offCpu.push(...offTimes.cpuMs);
      times.instrumented.push(...instrumentedTimes.ms);
      frames += instrumentedTimes.frames ?? 0;
      times.torch.push(...torchTimes.ms);
      times.torchCpu.push(...torchTimes.cpuMs);
      ratioOffPerRound.push(median(offTimes.ms) / median(torchTimes.ms));
      o.onProgress?.(
        `${design.metadata.name} round ${r}/${o.rounds}: engine ${median(offTimes.ms).toFixed(2)} ms (CPU ${median(offTimes.cpuMs).toFixed(2)}), PyTorch ${median(torchTimes.ms).toFixed(2)} ms (CPU ${median(torchTimes.cpuMs).toFixed(2)})`,
      );
    }
  } finally {
    torch.dispose();
    torchOne.dispose();
    await off.dispose();
    await instrumented.dispose();
    rmSync(packageDir, { recursive: true, force: true });
  }
  const engineOffMs = median(times.off);
  // A mean, not a median: at the default cadence a minority of steps carry a frame and its cost.
  const engineDefaultMs = mean(times.instrumented);
  const torchMs = median(times.torch);
  return {
    torch: { version: torch.version, threads: torch.threads },
    row: {
      design: design.metadata.name,
      backend,
      dataset: `${c.dataset.kind} ${dataset.train.count}/${dataset.validation.count}`,
      batchSize: c.batchSize,
      rounds: o.rounds,
      stepsPerRound: o.stepsPerRound,
      engineOffMs,
      engineDefaultMs,
      torchMs,
      ratioOff: engineOffMs / torchMs,
      ratioDefault: engineDefaultMs / torchMs,
      torchOneThreadMs: median(times.torchOne),
      torchThreadSpeedup: median(times.torchOne) / torchMs,
      framesPerSecond: frames / (times.instrumented.reduce((a, b) => a + b, 0) / 1000),
      ratioOffPerRound,
      engineOffCpuMs: median(times.offCpu),
      torchCpuMs: median(times.torchCpu),
      ratioOffCpu: median(times.offCpu) / median(times.torchCpu),
    },
  };
}

export async function runPeerBench(options: PeerOptions = {}): Promise<PeerResult> {
  const cases = PEER_CASES.filter((c) => !options.designs || options.designs.includes(c.key));
  const kinds = [...new Set(cases.map((c) => c.convolutional))];
  if (kinds.length > 1) return runPerKind(cases, options);
  const loadBefore = loadavg()[0];
  const load = () => ({ before: loadBefore, after: loadavg()[0], cores: availableParallelism() });
  const python = torchPython();
  if (!python) return { torch: 'PyTorch not available', load: load(), rows: [] };
  const candidates = [...nodeBackendCandidates(tf, { preferWasmThreads: kinds[0] === true }), ...portableCandidates(tf)];
  const backend = describeBackend(await selectBackend(candidates, 'wasm'));
  const rows: PeerRow[] = [];
  let torch: PeerResult['torch'] = 'PyTorch not available';
  for (const c of cases) {
    const before = tf.memory().numTensors;
    const result = await benchCase(c, python, backend, {
      rounds: options.rounds ?? 5,
      stepsPerRound: options.stepsPerRound ?? 20,
      threads: options.threads ?? 2,
      onProgress: options.onProgress,
    });
    rows.push(result.row);
    torch = result.torch;
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0) options.onProgress?.(`warning: ${leaked} tensors left behind after ${c.key}`);
  }
  return { torch, load: load(), rows };
}

/** Designs of both kinds: one child process per kind, each with the backend the CLI picks for it, rows merged in order. */
async function runPerKind(cases: PeerCase[], options: PeerOptions): Promise<PeerResult> {
  const loadBefore = loadavg()[0];
  const scratch = mkdtempSync(join(tmpdir(), 'rescanvas-peer-'));
  try {
    const parts: PeerResult[] = [];
    for (const convolutional of [true, false]) {
      const keys = cases.filter((c) => c.convolutional === convolutional).map((c) => c.key);
      const resultFile = join(scratch, `${convolutional ? 'conv' : 'dense'}.json`);
      const args = ['tsx', join(import.meta.dirname, 'peer.ts'), '--designs', keys.join(','), '--result-file', resultFile];
      if (options.rounds !== undefined) args.push('--rounds', String(options.rounds));
      if (options.stepsPerRound !== undefined) args.push('--steps', String(options.stepsPerRound));
      const child = spawn('npx', args, { stdio: ['ignore', 'pipe', 'inherit'] });
      for await (const line of createInterface({ input: child.stdout })) options.onProgress?.(line.trim());
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      if (code !== 0) throw new Error(`the ${convolutional ? 'convolutional' : 'dense'} designs' bench process exited with ${code}`);
      parts.push(JSON.parse(readFileSync(resultFile, 'utf8')) as PeerResult);
    }
    const rows = cases.map((c) => parts.flatMap((p) => p.rows).find((r) => r.design === c.design().metadata.name)).filter((r) => r !== undefined);
    const torch = parts.find((p) => p.torch !== 'PyTorch not available')?.torch ?? 'PyTorch not available';
    return { torch, load: { before: loadBefore, after: loadavg()[0], cores: availableParallelism() }, rows };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function formatPeerTable(result: PeerResult): string {
  if (result.torch === 'PyTorch not available') return 'PyTorch not available (python3 -c "import torch" fails): no engine-vs-PyTorch figures.';
  const backends = [...new Set(result.rows.map((r) => r.backend))].map(
    (backend) =>
      `${result.rows
        .filter((r) => r.backend === backend)
        .map((r) => r.design)
        .join(', ')} on ${backend}`,
  );
  const header = `engine: ${backends.join('; ')}. PyTorch ${result.torch.version}, ${result.torch.threads} threads`;
  const lines = result.rows.map((r) =>
    [
      r.design.padEnd(34),
      `${r.dataset} b${r.batchSize}`.padEnd(20),
      `${r.engineOffMs.toFixed(2)} ms`.padStart(11),
      `${r.engineDefaultMs.toFixed(2)} ms`.padStart(11),
      `${r.torchMs.toFixed(2)} ms`.padStart(11),
      `${r.ratioOff.toFixed(2)}×`.padStart(7),
      `${r.ratioDefault.toFixed(2)}×`.padStart(7),
      `${r.ratioOffCpu.toFixed(2)}×`.padStart(7),
      r.framesPerSecond.toFixed(1).padStart(8),
      `${r.torchThreadSpeedup.toFixed(2)}×`.padStart(8),
      `  (per round ${r.ratioOffPerRound.map((v) => v.toFixed(2)).join(' ')})`,
    ].join(' '),
  );
  const busy = Math.max(result.load.before, result.load.after) > result.load.cores;
  const warning = busy
    ? [
        `WARNING: load average ${result.load.before.toFixed(1)} → ${result.load.after.toFixed(1)} on ${result.load.cores} cores: other work competed for the CPU, PyTorch's two threads suffer most from that, and these ratios do not say how the two compare on a quiet machine.`,
      ]
    : [];
  return [
    header,
    ...warning,
    `${'design'.padEnd(34)} ${'data, batch'.padEnd(20)} ${'engine off'.padStart(11)} ${'engine dflt'.padStart(11)} ${'PyTorch'.padStart(11)} ${'off÷pt'.padStart(7)} ${'dflt÷pt'.padStart(7)} ${'cpu÷cpu'.padStart(7)} ${'frames/s'.padStart(8)} ${'pt 1→2th'.padStart(8)}`,
    ...lines,
  ].join('\n');
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** `--rounds N --steps N --designs a,b` as PeerOptions (shared with run.ts). */
export function peerOptionsFromArgs(): PeerOptions {
  const rounds = argValue('--rounds');
  const steps = argValue('--steps');
  const designs = argValue('--designs');
  return {
    rounds: rounds ? Number(rounds) : undefined,
    stepsPerRound: steps ? Number(steps) : undefined,
    designs: designs ? designs.split(',') : undefined,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runPeerBench({ ...peerOptionsFromArgs(), onProgress: (m) => console.log(`  ${m}`) });
  const resultFile = argValue('--result-file');
  // A child of runPerKind: its parent prints the merged table.
  if (resultFile !== undefined) {
    writeFileSync(resultFile, JSON.stringify(result));
    process.exit(0);
  }
  console.log(formatPeerTable(result));
  const dir = join(import.meta.dirname, '..', '..', 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'peer.json'), `${JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2)}\n`);
}
