import { createStore, useStore } from 'zustand';
import type { Design } from '../../src/graph/design';
import { listDiff } from '../../src/graph/listDiff';
import { designWorker } from '../open/designWorkerClient';
import { applyValidationDelta, deriveValidation, type ValidationState } from './deriveValidation';
import { appStore } from './store';

export { deriveValidation, type NodeFacts, type ValidationState } from './deriveValidation';

/** Designs above this size are validated after a short pause in typing or editing, not on every keystroke. */
const IMMEDIATE_LIMIT = 400;
/** Designs above this size are validated in the design worker: validating 50,000 nodes takes seconds. */
export const WORKER_LIMIT = 3000;
const DEBOUNCE_MS = 120;

/**
 * Positions do not change shapes: a drag must not re-run validation. Only the nodes the edit changed
 * are compared (the list diff the edit carries), not all 50,000.
 */
function sameStructure(a: Design, b: Design): boolean {
  if (a.edges !== b.edges || a.groups !== b.groups || a.nodes.length !== b.nodes.length) return false;
  const diff = listDiff(a.nodes, b.nodes);
  if (diff.added.length !== diff.removed.length) return false;
  const before = new Map(diff.removed.map((n) => [n.id, n]));
  for (const y of diff.added) {
    const x = before.get(y.id);
    if (!x || x.type !== y.type || x.params !== y.params) return false;
    before.delete(y.id);
  }
  return true;
}

export const validationStore = createStore<ValidationState>()(() => deriveValidation(appStore.getState().design));

let validated = appStore.getState().design;
let timer: ReturnType<typeof setTimeout> | null = null;
/** Validations computed elsewhere (the design worker, while opening), by the nodes and edges they describe. */
const primed = new WeakMap<object, { edges: object; state: ValidationState }>();
/** Bumped by every newer request, so a late answer from the worker is dropped. */
let generation = 0;

/** Makes `state` the validation of a design with these nodes and edges, so loading it validates nothing again. */
export function primeValidation(design: Pick<Design, 'nodes' | 'edges'>, state: ValidationState): void {
  primed.set(design.nodes, { edges: design.edges, state });
}

function runHere(design: Design): void {
  validated = design;
  validationStore.setState(deriveValidation(design));
}

async function runInWorker(design: Design): Promise<void> {
  const mine = ++generation;
  validated = design;
  const delta = await designWorker.validate(design);
  if (mine !== generation) return;
  if (!delta) {
    // The worker is gone: validate here rather than leave the Problems list stale.
    runHere(appStore.getState().design);
    return;
  }
  validationStore.setState(applyValidationDelta(validationStore.getState(), delta));
}

function run(): void {
  timer = null;
  const design = appStore.getState().design;
  if (design.nodes.length > WORKER_LIMIT && !designWorker.failure) void runInWorker(design);
  else {
    generation++;
    runHere(design);
  }
}

appStore.subscribe((state) => {
  if (state.design === validated) return;
  const ready = primed.get(state.design.nodes);
  if (ready && ready.edges === state.design.edges) {
    generation++;
    if (timer) clearTimeout(timer);
    timer = null;
    validated = state.design;
    validationStore.setState(ready.state);
    return;
  }
  if (sameStructure(state.design, validated)) {
    validated = state.design;
    return;
  }
  if (timer) clearTimeout(timer);
  if (state.design.nodes.length <= IMMEDIATE_LIMIT) {
    run();
    return;
  }
  timer = setTimeout(run, DEBOUNCE_MS);
});

export function useValidation<T>(selector: (state: ValidationState) => T): T {
  return useStore(validationStore, selector);
}
