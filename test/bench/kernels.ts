/**
 * Training-step bench for the wasm backend with the ResCanvas training kernels, side by side with
 * tf.js's CPU backend and (when installed) PyTorch CPU. Run: npx tsx test/bench/kernels.ts
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { useWasmBackend } from '../../src/engine/backends/wasm';
import { residualMlp, resNet20, singleConv, type TrainableNet } from './resnetTfjs';

export interface BenchRow {
  name: string;
  wasmMs: number;
  cpuMs: number;
  /** null when PyTorch is not installed. */
  torchMs: number | null;
  /** cpuMs / wasmMs */
  wasmSpeedUpOverCpu: number;
  /** wasmMs / torchMs */
  wasmSlowdownVsTorch: number | null;
}

export interface BenchResult {
  rows: BenchRow[];
  wasm: { simd: boolean; threads: boolean };
  torch: { version: string; threads: number } | 'PyTorch not available';
}

export interface BenchOptions {
  /** Timed steps per net on wasm (median reported). */
  wasmSteps?: number;
  /** Timed steps per net on the CPU backend; its ResNet-20 step takes minutes. */
  cpuSteps?: number;
  /** Skip the CPU backend's ResNet-20 step (the slowest figure by far). */
  skipCpuResNet?: boolean;
  /** Told each figure as it is measured; the CPU ResNet-20 step alone can take minutes. */
  onProgress?: (message: string) => void;
}

interface TorchTimes {
  torchVersion: string;
  threads: number;
  convStepMs: number;
  resnet20StepMs: number;
  residualMlpStepMs: number;
}

/** Median wall time of an Adam step (forward, backward, update, loss read back). */
async function medianStepMs(backend: 'wasm' | 'cpu', build: () => TrainableNet, warmup: number, steps: number): Promise<number> {
  await tf.setBackend(backend);
  const net = build();
  const optimizer = tf.train.adam(1e-3);
  const times: number[] = [];
  for (let i = 0; i < warmup + steps; i++) {
    const start = performance.now();
    const loss = optimizer.minimize(net.loss, true, net.variables);
    loss?.dataSync();
    loss?.dispose();
    if (i >= warmup) times.push(performance.now() - start);
  }
  optimizer.dispose();
  net.dispose();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? NaN;
}

function runTorch(): TorchTimes | null {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'torch_bench.py');
  // Debian's python3-torch lives under the system Python, which a pyenv `python3` on PATH may shadow.
  const python = ['/usr/bin/python3', 'python3'].find((candidate) => {
    try {
      execFileSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!python) return null;
  return JSON.parse(execFileSync(python, [script], { encoding: 'utf8' })) as TorchTimes;
}

export async function runKernelBench(options: BenchOptions = {}): Promise<BenchResult> {
  const wasmSteps = options.wasmSteps ?? 10;
  const cpuSteps = options.cpuSteps ?? 1;
  const status = await useWasmBackend(tf);
  const torch = runTorch();

  const nets: { name: string; build: () => TrainableNet; torchMs: number | undefined; cpuWarmup: number; skipCpu: boolean }[] = [
    { name: 'Conv2D 3x3 16x16x3→16, batch 64', build: () => singleConv(tf, 64, 16, 3, 16), torchMs: torch?.convStepMs, cpuWarmup: 1, skipCpu: false },
    { name: 'ResNet-20 CIFAR, batch 32', build: () => resNet20(tf, 32), torchMs: torch?.resnet20StepMs, cpuWarmup: 0, skipCpu: options.skipCpuResNet ?? false },
    { name: 'Residual MLP 30x64, batch 64', build: () => residualMlp(tf, 30, 64, 64), torchMs: torch?.residualMlpStepMs, cpuWarmup: 2, skipCpu: false },
  ];
  const rows: BenchRow[] = [];
  for (const net of nets) {
    const wasmMs = await medianStepMs('wasm', net.build, 3, wasmSteps);
    options.onProgress?.(`${net.name}: wasm ${formatMs(wasmMs)}`);
    const cpuMs = net.skipCpu ? NaN : await medianStepMs('cpu', net.build, net.cpuWarmup, cpuSteps);
    if (!net.skipCpu) options.onProgress?.(`${net.name}: cpu ${formatMs(cpuMs)}`);
    const torchMs = net.torchMs ?? null;
    rows.push({
      name: net.name,
      wasmMs,
      cpuMs,
      torchMs,
      wasmSpeedUpOverCpu: cpuMs / wasmMs,
      wasmSlowdownVsTorch: torchMs === null ? null : wasmMs / torchMs,
    });
  }
  await tf.setBackend('wasm');
  return {
    rows,
    wasm: { simd: status.simd, threads: status.threads },
    torch: torch === null ? 'PyTorch not available' : { version: torch.torchVersion, threads: torch.threads },
  };
}

function formatMs(ms: number | null): string {
  if (ms === null || Number.isNaN(ms)) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

function formatRatio(ratio: number | null): string {
  return ratio === null || Number.isNaN(ratio) ? '—' : `${ratio.toFixed(ratio >= 10 ? 0 : 2)}x`;
}

export function formatBenchTable(result: BenchResult): string {
  const header = ['step (Adam)', 'wasm', 'tf.js cpu', 'PyTorch cpu', 'wasm vs cpu', 'wasm / PyTorch'];
  const lines = result.rows.map((r) => [
    r.name,
    formatMs(r.wasmMs),
    formatMs(r.cpuMs),
    formatMs(r.torchMs),
    formatRatio(r.wasmSpeedUpOverCpu),
    formatRatio(r.wasmSlowdownVsTorch),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const render = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  const torchNote = result.torch === 'PyTorch not available' ? 'PyTorch not available' : `PyTorch ${result.torch.version}, ${result.torch.threads} threads`;
  return [
    render(header),
    ...lines.map(render),
    `wasm: SIMD ${result.wasm.simd ? 'on' : 'off'}, threads ${result.wasm.threads ? 'on' : 'off'}; ${torchNote}`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runKernelBench({
    skipCpuResNet: process.argv.includes('--skip-cpu-resnet'),
    onProgress: (message) => console.error(message),
  });
  console.log(formatBenchTable(result));
  console.log(JSON.stringify(result, null, 2));
}
