import { createStore, useStore } from 'zustand';
import type { Design } from '../../src/graph/design';
import type { Diagnostic } from '../../src/graph/diagnostics';
import { layerKind } from '../../src/graph/catalogue';
import { formatShape, type Shape } from '../../src/graph/shape';
import { indexGraph } from '../../src/graph/topology';
import { validateDesign, type Validation } from '../../src/graph/validate';
import { checkResources } from '../../src/compile/resources';
import { appStore } from './store';

export interface NodeFacts {
  shape: string | null;
  paramCount: number | null;
  /** The node's first error (else warning), shown on the node and linked by aria-describedby. */
  problem: Diagnostic | null;
}

export interface ValidationState {
  result: Validation;
  facts: Map<string, NodeFacts>;
  /** Edge id → shape text such as `[?, 64]`. */
  edgeLabels: Map<string, string>;
}

/** Designs above this size are validated after a short pause in typing or editing, not on every keystroke. */
const IMMEDIATE_LIMIT = 400;
const DEBOUNCE_MS = 120;

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
  return { result, facts, edgeLabels };
}

/** Positions do not change shapes: a drag must not re-run validation. */
function sameStructure(a: Design, b: Design): boolean {
  if (a.edges !== b.edges || a.groups !== b.groups || a.nodes.length !== b.nodes.length) return false;
  for (let i = 0; i < a.nodes.length; i++) {
    const x = a.nodes[i];
    const y = b.nodes[i];
    if (x !== y && (x.id !== y.id || x.type !== y.type || x.params !== y.params)) return false;
  }
  return true;
}

export const validationStore = createStore<ValidationState>()(() => deriveValidation(appStore.getState().design));

let validated = appStore.getState().design;
let timer: ReturnType<typeof setTimeout> | null = null;

function run(): void {
  timer = null;
  const design = appStore.getState().design;
  validated = design;
  validationStore.setState(deriveValidation(design));
}

appStore.subscribe((state) => {
  if (state.design === validated) return;
  if (sameStructure(state.design, validated)) {
    validated = state.design;
    return;
  }
  if (state.design.nodes.length <= IMMEDIATE_LIMIT) {
    if (timer) clearTimeout(timer);
    run();
    return;
  }
  if (timer) clearTimeout(timer);
  timer = setTimeout(run, DEBOUNCE_MS);
});

export function useValidation<T>(selector: (state: ValidationState) => T): T {
  return useStore(validationStore, selector);
}
