/**
 * The page's side of the design worker: opens files through it and asks it to re-validate the open
 * design after edits, sending only the nodes and edges that changed since the copy it holds.
 */
import type { Design, DesignEdge, DesignNode } from '../../src/graph/design';
import type { ResidualBlock } from '../../src/graph/blocks';
import { primeDesignBlocks } from '../../src/graph/blocksEdit';
import type { NodeFacts, ValidationDelta, ValidationState } from '../store/deriveValidation';
import { DesignWorkerResponse, type DesignWorkerRequest, type OpenStage } from './messages';

export type OpenProgress = (stage: OpenStage, done?: number, total?: number) => void;
export type WorkerOpenResult = { ok: true; design: Design; validation: ValidationState } | { ok: false; message: string };

type Response = DesignWorkerResponse;
type Patch = Extract<DesignWorkerRequest, { type: 'validate' }>['nodes'];
type Listener = (message: Response) => void;

/** A list as the worker will rebuild it: unchanged items by their index in its copy. */
function patchOf<T extends object>(next: readonly T[], held: readonly T[] | null, index: () => Map<T, number>): (number | T)[] | null {
  if (held === next) return null;
  if (!held) return [...next];
  const at = index();
  return next.map((item) => at.get(item) ?? item);
}

export class DesignWorkerClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly listeners = new Map<number, Listener>();
  /** The nodes and edges the worker holds, as objects of this page; null until it holds a design. */
  private held: { nodes: readonly DesignNode[]; edges: readonly DesignEdge[] } | null = null;
  private heldIndex: { nodes: Map<DesignNode, number> | null; edges: Map<DesignEdge, number> | null } = { nodes: null, edges: null };
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
    if (this.held?.nodes !== design.nodes) this.heldIndex.nodes = null;
    if (this.held?.edges !== design.edges) this.heldIndex.edges = null;
    this.held = { nodes: design.nodes, edges: design.edges };
  }

  /** What the worker needs to hold `design`: its small fields, and its lists as patches of the copy it holds. */
  private patch(design: Design): { rest: Record<string, unknown>; nodes: Patch; edges: Patch } {
    const held = this.held;
    const nodes = patchOf(design.nodes, held?.nodes ?? null, () => (this.heldIndex.nodes ??= new Map(held?.nodes.map((n, i) => [n, i]))));
    const edges = patchOf(design.edges, held?.edges ?? null, () => (this.heldIndex.edges ??= new Map(held?.edges.map((e, i) => [e, i]))));
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
