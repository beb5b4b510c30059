/**
 * The page's side of the design worker: opens files through it and asks it to re-validate the open
 * design after edits, sending only the nodes and edges that changed since the copy it holds.
 */
import type { Design, DesignEdge, DesignNode } from '../../src/graph/design';
import type { ResidualBlock } from '../../src/graph/blocks';
import { primeDesignBlocks } from '../../src/graph/blocksEdit';
import type { NodeFacts, ValidationDelta, ValidationState } from '../store/deriveValidation';
import { indexPatch, type Patch as ListPatch } from '../../src/graph/listDiff';
import { DesignWorkerResponse, type DesignWorkerRequest, type OpenStage } from './messages';

export type OpenProgress = (stage: OpenStage, done?: number, total?: number) => void;
export type WorkerOpenResult = { ok: true; design: Design; validation: ValidationState } | { ok: false; message: string };

type Response = DesignWorkerResponse;
type Patch = Extract<DesignWorkerRequest, { type: 'validate' }>['nodes'];
type Listener = (message: Response) => void;

/** A list as the worker will rebuild it: unchanged items by their index in its copy (found in one walk). */
function patchOf<T extends object>(next: readonly T[], held: readonly T[] | null): ListPatch<T> | null {
  if (held === next) return null;
  if (!held) return [...next];
  return indexPatch(held, next);
}

export class DesignWorkerClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly listeners = new Map<number, Listener>();
  /** The nodes and edges the worker holds, as objects of this page; null until it holds a design. */
  private held: { nodes: readonly DesignNode[]; edges: readonly DesignEdge[] } | null = null;
  /** The blocks the worker last sent, by id: its answers after edits send only what changed. */
  private blocksSent = new Map<string, ResidualBlock>();
  private broken: string | null = null;

  constructor(private readonly factory: () => Worker = () => new Worker(new URL('./openWorker.ts', import.meta.url), { type: 'module' })) {}

  /** Why the worker cannot be used (it failed to start or crashed), or null. */
  get failure(): string | null {
    return this.broken;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = this.factory();
    worker.onmessage = (event: MessageEvent<unknown>) => {
      const parsed = DesignWorkerResponse.safeParse(event.data);
      if (!parsed.success) {
        this.fail(`the design worker sent a malformed message: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
        return;
      }
      this.listeners.get(parsed.data.id)?.(parsed.data);
    };
    worker.onerror = (event) => this.fail(`the design worker stopped: ${event.message || 'unknown error'}`);
    this.worker = worker;
    return worker;
  }

  private fail(message: string): void {
    this.broken = message;
    this.worker?.terminate();
    this.worker = null;
    this.held = null;
    this.blocksSent = new Map();
    for (const [id, listener] of [...this.listeners]) listener({ type: 'failed', id, message });
  }

  private send(request: DesignWorkerRequest, listener: Listener, transfer: Transferable[] = []): void {
    this.listeners.set(request.id, listener);
    this.start().postMessage(request, transfer);
  }

  /** Parses and checks a design file's bytes in the worker; the page only assembles the slices. */
  open(name: string, bytes: ArrayBuffer, progress: OpenProgress): Promise<WorkerOpenResult> {
    const id = this.nextId++;
    const nodes: Record<string, unknown>[] = [];
    const edges: Record<string, unknown>[] = [];
    const facts = new Map<string, NodeFacts>();
    const edgeLabels = new Map<string, string>();
    const blocks: ResidualBlock[] = [];
    return new Promise((resolve) => {
      const finish = (result: WorkerOpenResult): void => {
        this.listeners.delete(id);
        resolve(result);
      };
      this.send(
        { type: 'open', id, name, bytes },
        (m) => {
          switch (m.type) {
            case 'progress':
              progress(m.stage);
              break;
            case 'nodes':
              nodes.push(...m.items);
              progress('Receiving the design', nodes.length, m.total);
              break;
            case 'edges':
              edges.push(...m.items);
              break;
            case 'facts':
              for (const [k, f] of m.items) facts.set(k, f);
              break;
            case 'blocks':
              blocks.push(...m.items);
              break;
            case 'edgeLabels':
              for (const [k, l] of m.items) edgeLabels.set(k, l);
              break;
            case 'refused':
              finish({ ok: false, message: m.message });
              break;
            case 'failed':
              finish({ ok: false, message: `${name} could not be opened: ${m.message}` });
              break;
            case 'opened': {
              // Checked in full against the design schema in the worker (see messages.ts).
              const design = { ...m.rest, nodes, edges } as unknown as Design;
              this.hold(design);
              this.blocksSent = new Map(blocks.map((b) => [b.id, b]));
              primeDesignBlocks(design, blocks);
              finish({ ok: true, design, validation: { result: { valid: m.result.valid, diagnostics: m.result.diagnostics }, facts, edgeLabels } });
              break;
            }
            default:
              break;
          }
        },
        [bytes],
      );
    });
  }

  private hold(design: Pick<Design, 'nodes' | 'edges'>): void {
    this.held = { nodes: design.nodes, edges: design.edges };
  }

  /** What the worker needs to hold `design`: its small fields, and its lists as patches of the copy it holds. */
  private patch(design: Design): { rest: Record<string, unknown>; nodes: Patch; edges: Patch } {
    const held = this.held;
    const nodes = patchOf(design.nodes, held?.nodes ?? null);
    const edges = patchOf(design.edges, held?.edges ?? null);
    const { nodes: _n, edges: _e, ...rest } = design;
    this.hold(design);
    return { rest, nodes: nodes as Patch, edges: edges as Patch };
  }

  /**
   * A recovery entry's JSON text, written in the worker (stringifying 50,000 nodes holds the page
   * for a second); null when the worker cannot.
   */
  serialize(entry: { design: Design; name: string; savedAt: string }): Promise<string | null> {
    if (this.broken) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.send({ type: 'serialize', id, ...this.patch(entry.design), entry: { name: entry.name, savedAt: entry.savedAt } }, (m) => {
        this.listeners.delete(id);
        resolve(m.type === 'serialized' ? m.text : null);
      });
    });
  }

  /** Residual blocks of `design`, detected in the worker; null when the worker cannot. */
  blocks(design: Design): Promise<ResidualBlock[] | null> {
    if (this.broken) return Promise.resolve(null);
    const id = this.nextId++;
    const { runs: _r, ...withoutRuns } = design;
    const patch = this.patch(withoutRuns);
    return new Promise((resolve) => {
      this.send({ type: 'blocks', id, ...patch }, (m) => {
        this.listeners.delete(id);
        if (m.type !== 'blocksDetected') return resolve(null);
        const changed = new Map(m.changed.map((b) => [b.id, b]));
        const list: ResidualBlock[] = [];
        for (const blockId of m.order) {
          const b = changed.get(blockId) ?? this.blocksSent.get(blockId);
          // Out of step with the worker (it restarted): the caller detects on the page instead.
          if (!b) return resolve(null);
          list.push(b);
        }
        this.blocksSent = new Map(list.map((b) => [b.id, b]));
        resolve(list);
      });
    });
  }

  /** Writes a recovery entry into IndexedDB from the worker; false when it cannot (the caller writes it). */
  saveRecovery(entry: { design: Design; name: string; savedAt: string }, key: string): Promise<boolean> {
    if (this.broken) return Promise.resolve(false);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.send({ type: 'saveRecovery', id, ...this.patch(entry.design), entry: { name: entry.name, savedAt: entry.savedAt }, key }, (m) => {
        this.listeners.delete(id);
        resolve(m.type === 'recoverySaved');
      });
    });
  }

  /** Validates `design` in the worker; null when the worker cannot (the caller validates here instead). */
  validate(design: Design): Promise<ValidationDelta | null> {
    if (this.broken) return Promise.resolve(null);
    const id = this.nextId++;
    const { runs: _r, ...withoutRuns } = design;
    const patch = this.patch(withoutRuns);
    return new Promise((resolve) => {
      this.send({ type: 'validate', id, ...patch }, (m) => {
        this.listeners.delete(id);
        if (m.type !== 'validated') return resolve(null);
        resolve({ ...m, result: { valid: m.result.valid, diagnostics: m.result.diagnostics }, facts: m.facts });
      });
    });
  }
}

/** One worker for the page, started on first use. */
export const designWorker = new DesignWorkerClient();
