/// <reference lib="webworker" />
/**
 * The design worker: reads, parses and checks an opened file, infers its shapes, and re-validates
 * the open design after each edit from a patch (only what changed crosses over), so none of this
 * blocks the page on a 50,000-node design. The result goes back in slices, each one a short task
 * for the page to receive.
 */
import type { Design, DesignEdge, DesignNode } from '../../src/graph/design';
import { parseDesignText } from '../../src/graph/parse';
import { designBlocks } from '../../src/graph/blocksEdit';
import type { ResidualBlock } from '../../src/graph/blocks';
import { decodeTextFile } from '../../src/protocol/textFile';
import { deriveValidation, validationDelta, type ValidationState } from '../store/deriveValidation';
import { DesignWorkerRequest, type DesignWorkerResponse, type OpenStage } from './messages';
import { refusalMessage } from './refusal';
import { applyPatch as applyListPatch } from '../../src/graph/listDiff';
import { indexedDbStore } from '../host/web/recoveryStorage';

/** Items per slice: a slice takes the page a few milliseconds to receive. */
export const SLICE = 4000;

const scope = self as unknown as DedicatedWorkerGlobalScope;
let design: Design | null = null;
let derived: ValidationState | null = null;
/** Each block as last sent to the page (id → its JSON), so later answers send only what changed. */
let sentBlocks = new Map<string, string>();

const post = (message: DesignWorkerResponse): void => scope.postMessage(message);

function sliced<T>(items: readonly T[], send: (part: T[]) => void): void {
  for (let at = 0; at < items.length; at += SLICE) send(items.slice(at, at + SLICE));
  if (!items.length) send([]);
}

function open(id: number, name: string, bytes: ArrayBuffer): void {
  const stage = (s: OpenStage): void => post({ type: 'progress', id, stage: s });
  stage('Parsing JSON');
  const decoded = decodeTextFile(bytes, name, 'a ResCanvas design');
  if (!decoded.ok) return post({ type: 'refused', id, message: decoded.message });
  // parseDesignText parses the JSON and checks the schema in one call; the stage line moves on
  // when the schema check starts, which is most of its time on a large file.
  stage('Checking the design');
  const parsed = parseDesignText(decoded.text);
  if (!parsed.ok) return post({ type: 'refused', id, message: refusalMessage(name, parsed.diagnostics) });
  stage('Inferring shapes');
  design = parsed.design;
  derived = deriveValidation(design);
  stage('Receiving the design');
  const { nodes, edges, ...rest } = design;
  sliced(nodes, (items) => post({ type: 'nodes', id, items, total: nodes.length }));
  sliced(edges, (items) => post({ type: 'edges', id, items, total: edges.length }));
  sliced([...derived.facts], (items) => post({ type: 'facts', id, items }));
  sliced([...derived.edgeLabels], (items) => post({ type: 'edgeLabels', id, items }));
  // Block detection takes a second or more on 50,000 nodes; the canvas needs it for its first frame.
  const blocks = designBlocks(design);
  sentBlocks = new Map(blocks.map((b) => [b.id, JSON.stringify(b)]));
  sliced(blocks, (items) => post({ type: 'blocks', id, items }));
  post({ type: 'opened', id, rest, result: derived.result });
}

function patched<T>(list: (number | [number, number] | Record<string, unknown>)[] | null, previous: readonly T[]): T[] {
  if (list === null) return previous as T[];
  const out = applyListPatch(previous, list as (number | [number, number] | T)[]);
  if (out.some((item) => item === undefined)) throw new Error('the patch points past the design the worker holds');
  return out;
}

type Patch = Extract<DesignWorkerRequest, { type: 'validate' | 'serialize' | 'blocks' | 'saveRecovery' }>;

/** The design a patch describes, now held here; null when there was nothing to patch. */
function applyPatch(request: Patch): Design | null {
  const base = design;
  const needsBase = (list: Patch['nodes']): boolean => list === null || list.some((n) => typeof n === 'number' || Array.isArray(n));
  if (!base && (needsBase(request.nodes) || needsBase(request.edges))) return null;
  const nodes = patched<DesignNode>(request.nodes, base?.nodes ?? []);
  const edges = patched<DesignEdge>(request.edges, base?.edges ?? []);
  design = { ...(request.rest as Omit<Design, 'nodes' | 'edges'>), nodes, edges };
  return design;
}

function serialize(request: Extract<DesignWorkerRequest, { type: 'serialize' }>): void {
  const next = applyPatch(request);
  if (!next) return post({ type: 'failed', id: request.id, message: 'the worker holds no design to patch' });
  post({ type: 'serialized', id: request.id, text: JSON.stringify({ design: next, name: request.entry.name, savedAt: request.entry.savedAt }) });
}

function blocks(request: Extract<DesignWorkerRequest, { type: 'blocks' }>): void {
  const next = applyPatch(request);
  if (!next) return post({ type: 'failed', id: request.id, message: 'the worker holds no design to patch' });
  const detected = designBlocks(next);
  const sent = new Map<string, string>();
  const changed: ResidualBlock[] = [];
  for (const b of detected) {
    const text = JSON.stringify(b);
    sent.set(b.id, text);
    if (sentBlocks.get(b.id) !== text) changed.push(b);
  }
  sentBlocks = sent;
  post({ type: 'blocksDetected', id: request.id, order: detected.map((b) => b.id), changed });
}

async function saveRecovery(request: Extract<DesignWorkerRequest, { type: 'saveRecovery' }>): Promise<void> {
  const next = applyPatch(request);
  if (!next) return post({ type: 'failed', id: request.id, message: 'the worker holds no design to patch' });
  if (!scope.indexedDB) return post({ type: 'failed', id: request.id, message: 'no IndexedDB in the design worker' });
  const text = JSON.stringify({ design: next, name: request.entry.name, savedAt: request.entry.savedAt });
  await indexedDbStore(scope.indexedDB).set(request.key, text);
  post({ type: 'recoverySaved', id: request.id });
}

function validate(request: Extract<DesignWorkerRequest, { type: 'validate' }>): void {
  const patchedDesign = applyPatch(request);
  if (!patchedDesign) return post({ type: 'failed', id: request.id, message: 'the worker holds no design to patch' });
  const next = deriveValidation(patchedDesign);
  const delta = derived ? validationDelta(derived, next) : validationDelta({ result: next.result, facts: new Map(), edgeLabels: new Map() }, next);
  derived = next;
  post({ type: 'validated', id: request.id, ...delta });
}

scope.onmessage = (event: MessageEvent<unknown>) => {
  const request = DesignWorkerRequest.safeParse(event.data);
  if (!request.success) {
    const id = typeof (event.data as { id?: unknown })?.id === 'number' ? (event.data as { id: number }).id : -1;
    post({ type: 'failed', id, message: `the design worker received a malformed request: ${request.error.issues[0]?.message ?? 'unknown'}` });
    return;
  }
  const failed = (error: unknown): void => post({ type: 'failed', id: request.data.id, message: error instanceof Error ? error.message : String(error) });
  try {
    const data = request.data;
    if (data.type === 'open') open(data.id, data.name, data.bytes);
    else if (data.type === 'validate') validate(data);
    else if (data.type === 'blocks') blocks(data);
    else if (data.type === 'saveRecovery') saveRecovery(data).catch(failed);
    else serialize(data);
  } catch (error) {
    failed(error);
  }
};
