import type { Command } from 'commander';
import { totalmem } from 'node:os';
import { DEFAULT_RUN, type ResourceContext, type RunShape } from '../src/compile/resources';
import { BackendName, Optimizer } from '../src/schema/settings';
import { UsageError } from './errors';

export interface ResourceFlags {
  batch?: string;
  optimizer?: string;
  backend?: string;
}

/** `validate` and `summary` estimate memory for the run these flags describe (train's defaults otherwise). */
export function addResourceFlags(command: Command): Command {
  return command
    .option('--batch <n>', 'batch size the memory estimate assumes', String(DEFAULT_RUN.batchSize))
    .option('--optimizer <name>', 'optimizer the memory estimate assumes (its state is 0-2x the parameters)', DEFAULT_RUN.optimizer)
    .option('--backend <name>', 'backend whose memory the design must fit: wasm (default), webgl, cpu, tensorflow or tensorflow-gpu', 'wasm');
}

export function resourceContext(flags: ResourceFlags): ResourceContext & { run: RunShape } {
  const batch = Number(flags.batch ?? DEFAULT_RUN.batchSize);
  if (!Number.isInteger(batch) || batch < 1 || batch > 65_536) throw new UsageError(`--batch: "${flags.batch}" is not a whole number from 1 to 65536`);
  const optimizer = Optimizer.safeParse(flags.optimizer ?? DEFAULT_RUN.optimizer);
  if (!optimizer.success) throw new UsageError(`--optimizer: "${flags.optimizer}" is not one of ${Optimizer.options.join(', ')}`);
  const backend = BackendName.safeParse(flags.backend ?? 'wasm');
  if (!backend.success) throw new UsageError(`--backend: "${flags.backend}" is not one of ${BackendName.options.join(', ')}`);
  return { run: { ...DEFAULT_RUN, batchSize: batch, optimizer: optimizer.data }, backend: backend.data, machineBytes: totalmem() };
}
