import type { Design } from '../../src/graph/design';
import type { Diagnostic } from '../../src/graph/diagnostics';
import { layerKind } from '../../src/graph/catalogue';
import { formatShape, type Shape } from '../../src/graph/shape';
import { indexGraph } from '../../src/graph/topology';
import { validateDesign, type Validation } from '../../src/graph/validate';
import { checkResources } from '../../src/compile/resources';
import { LayeredMap } from '../../src/graph/layeredMap';

export interface NodeFacts {
  shape: string | null;
  paramCount: number | null;
  /** The node's first error (else warning), shown on the node and linked by aria-describedby. */
  problem: Diagnostic | null;
}

/** What the UI reads of a validation: every message and whether the design can train. */
export type ValidationSummary = Pick<Validation, 'valid' | 'diagnostics'>;

export interface ValidationState {
  result: ValidationSummary;
  /** Read only: after an edit it shares most entries with the previous state's (LayeredMap). */
  facts: ReadonlyMap<string, NodeFacts>;
  /** Edge id → shape text such as `[?, 64]`. */
  edgeLabels: ReadonlyMap<string, string>;
}

/** No environment here (no store, no DOM): the design worker runs this too. */
export function deriveValidation(design: Design): ValidationState {
  const validation = validateDesign(design);
  // Memory is estimated once the shapes are known, for the engine's wasm backend at the default batch.
  const memory = validation.valid ? checkResources(design, validation.nodeShapes) : [];
  const result: Validation = memory.length ? { ...validation, diagnostics: [...validation.diagnostics, ...memory], valid: false } : validation;
  const index = indexGraph(design);
  const problems = new Map<string, Diagnostic>();
  for (const d of result.diagnostics) {
    if (!d.nodeId) continue;
    const had = problems.get(d.nodeId);
    if (!had || (had.severity === 'warning' && d.severity === 'error')) problems.set(d.nodeId, d);
  }
  const facts = new Map<string, NodeFacts>();
  for (const node of design.nodes) {
    const shape = result.nodeShapes.get(node.id);
    let paramCount: number | null = null;
    if (shape) {
      const inputs = (index.incoming.get(node.id) ?? []).map((e) => result.nodeShapes.get(e.source)).filter((s): s is Shape => !!s);
      const kind = layerKind(node.type);
      const params = kind.params.safeParse(node.params);
      if (params.success) paramCount = kind.paramCount(inputs, shape, params.data);
    }
    facts.set(node.id, { shape: shape ? formatShape(shape) : null, paramCount, problem: problems.get(node.id) ?? null });
  }
  const edgeLabels = new Map<string, string>();
  for (const [id, shape] of result.edgeShapes) edgeLabels.set(id, formatShape(shape));
  return { result: { valid: result.valid, diagnostics: result.diagnostics }, facts, edgeLabels };
}

/** What changed between two validations of the same document: small after a small edit. */
export interface ValidationDelta {
  result: ValidationSummary;
  facts: [string, NodeFacts][];
  removedFacts: string[];
  edgeLabels: [string, string][];
  removedEdgeLabels: string[];
}

const sameProblem = (a: Diagnostic | null, b: Diagnostic | null): boolean =>
  a === b || (!!a && !!b && a.code === b.code && a.severity === b.severity && a.message === b.message && a.path === b.path && a.nodeId === b.nodeId);

const sameFacts = (a: NodeFacts, b: NodeFacts): boolean => a.shape === b.shape && a.paramCount === b.paramCount && sameProblem(a.problem, b.problem);

export function validationDelta(before: ValidationState, after: ValidationState): ValidationDelta {
  const facts: [string, NodeFacts][] = [];
  for (const [id, f] of after.facts) {
    const had = before.facts.get(id);
    if (!had || !sameFacts(had, f)) facts.push([id, f]);
  }
  const edgeLabels: [string, string][] = [];
  for (const [id, label] of after.edgeLabels) if (before.edgeLabels.get(id) !== label) edgeLabels.push([id, label]);
  return {
    result: after.result,
    facts,
    removedFacts: [...before.facts.keys()].filter((id) => !after.facts.has(id)),
    edgeLabels,
    removedEdgeLabels: [...before.edgeLabels.keys()].filter((id) => !after.edgeLabels.has(id)),
  };
}

/**
 * The next state from a delta: unchanged nodes keep their facts objects, so memoised nodes skip
 * re-rendering, and the maps share their entries with the previous state's instead of copying 50,000.
 */
export function applyValidationDelta(state: ValidationState, delta: ValidationDelta): ValidationState {
  const touchesFacts = delta.facts.length > 0 || delta.removedFacts.length > 0;
  const touchesLabels = delta.edgeLabels.length > 0 || delta.removedEdgeLabels.length > 0;
  const facts = touchesFacts ? LayeredMap.of(state.facts).with(delta.facts, delta.removedFacts) : state.facts;
  const edgeLabels = touchesLabels ? LayeredMap.of(state.edgeLabels).with(delta.edgeLabels, delta.removedEdgeLabels) : state.edgeLabels;
  return { result: delta.result, facts, edgeLabels };
}
