/**
 * How many threads the wasm backend should run a design with, for every host (the CLI in Node, the
 * app's engine worker). Measured on 2 cores: threads made a ResNet-20 step 1.16× (page) to 1.56× (Node)
 * faster, but dense nets about 2× slower (Residual MLP-20 in the page: 1.8 steps/s with 2 threads
 * against 4.0 on one; Residual MLP-56 in Node 1.9× slower), since on small matrix products waking
 * XNNPACK's pool costs more than splitting the work saves. Convolutions are the work that pays.
 */

/** Whether a design has a convolution, the one kind of work where wasm threads paid. */
export function designConvolves(design: { nodes: readonly { type: string }[] }): boolean {
  return design.nodes.some((n) => n.type.includes('Conv'));
}

/** The kind of design the thread count is chosen for. */
export type DesignKind = 'conv' | 'dense';

export function designKind(design: { nodes: readonly { type: string }[] }): DesignKind {
  return designConvolves(design) ? 'conv' : 'dense';
}

export const DENSE_THREADS_REASON = 'threads off: without convolutions the thread pool costs more than it saves';

export interface ThreadNeeds {
  kind: DesignKind;
  /** One thread per core, capped, where threads can run; null where they cannot. */
  perCore: number | null;
  /** Why threads cannot run, shown when `perCore` is null. */
  unavailableReason?: string;
  /** A count the user set, and where ("?threads=2", "RESCANVAS_WASM_THREADS=2"): it wins over the kind. */
  forced?: { threads: number; by: string };
  /** How to override the choice, appended to the reason threads were turned off for the kind. */
  overrideHint?: string;
}

export interface ThreadChoice {
  /** 1 means the single-threaded path. */
  threads: number;
  /** Why this count, in the user's terms; starts "threads off: …" when `threads` is 1. */
  why: string;
}

export function chooseWasmThreads(needs: ThreadNeeds): ThreadChoice {
  if (needs.perCore === null) return { threads: 1, why: needs.unavailableReason ?? 'threads off: this host cannot run wasm threads' };
  if (needs.forced)
    return needs.forced.threads === 1
      ? { threads: 1, why: `threads off: one thread requested (${needs.forced.by})` }
      : { threads: needs.forced.threads, why: `set by ${needs.forced.by}` };
  if (needs.kind === 'dense') return { threads: 1, why: needs.overrideHint ? `${DENSE_THREADS_REASON} (${needs.overrideHint})` : DENSE_THREADS_REASON };
  if (needs.perCore === 1) return { threads: 1, why: 'threads off: one core' };
  return { threads: needs.perCore, why: 'one per core for the convolutions' };
}
