import type { Design } from '../../graph/design';
import type { Dataset } from './types';

export type DatasetProblemCode = 'no-input' | 'no-output' | 'several-inputs' | 'several-outputs' | 'input-shape' | 'output-units';

/** Shaped like a graph Diagnostic so the canvas and CLI can show it the same way. */
export interface DatasetProblem {
  code: DatasetProblemCode;
  severity: 'error';
  nodeId?: string;
  message: string;
  /** True when `fitDesignToDataset` resolves it (offered as "Fit design to dataset" and `--fit`). */
  fixable: boolean;
}

const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;

/** Units the Output needs: one per class, except one sigmoid unit for a two-class binary cross-entropy head. */
function unitsFor(dataset: Dataset, output: Extract<Design['nodes'][number], { type: 'Output' }>): number {
  const binary = dataset.classes === 2 && output.params.loss === 'binaryCrossentropy' && output.params.units === 1;
  return binary ? 1 : dataset.classes;
}

export function checkDatasetFitsDesign(dataset: Dataset, design: Design): DatasetProblem[] {
  const problems: DatasetProblem[] = [];
  const inputs = design.nodes.filter((n) => n.type === 'Input');
  const outputs = design.nodes.filter((n) => n.type === 'Output');
  if (inputs.length === 0)
    problems.push({ code: 'no-input', severity: 'error', message: `the design has no Input node to feed ${dataset.name} samples into`, fixable: false });
  if (inputs.length > 1)
    problems.push({
      code: 'several-inputs',
      severity: 'error',
      message: `the design has ${inputs.length} Input nodes (${inputs.map((n) => n.id).join(', ')}) but ${dataset.name} provides one input per sample`,
      fixable: false,
    });
  if (outputs.length === 0)
    problems.push({
      code: 'no-output',
      severity: 'error',
      message: `the design has no Output node to predict ${dataset.name}'s ${dataset.classes} classes`,
      fixable: false,
    });
  if (outputs.length > 1)
    problems.push({
      code: 'several-outputs',
      severity: 'error',
      message: `the design has ${outputs.length} Output nodes (${outputs.map((n) => n.id).join(', ')}) but ${dataset.name} has one label per sample`,
      fixable: false,
    });
  if (inputs.length === 1) {
    const input = inputs[0];
    const expected = input.params.shape;
    if (!sameShape(expected, dataset.sampleShape)) {
      const hint =
        expected.length !== dataset.sampleShape.length
          ? dataset.sampleShape.length === 3
            ? ' (the design takes vectors, the dataset has images)'
            : ' (the design takes images, the dataset has vectors)'
          : '';
      problems.push({
        code: 'input-shape',
        severity: 'error',
        nodeId: input.id,
        message: `the design's Input expects ${shapeText(expected)} but ${dataset.name} samples are ${shapeText(dataset.sampleShape)}${hint}; set the Input shape to ${shapeText(dataset.sampleShape)}`,
        fixable: true,
      });
    }
  }
  if (outputs.length === 1) {
    const output = outputs[0];
    const units = unitsFor(dataset, output);
    if (output.params.units !== units)
      problems.push({
        code: 'output-units',
        severity: 'error',
        nodeId: output.id,
        message: `Output has ${output.params.units} unit${output.params.units === 1 ? '' : 's'} but ${dataset.name} has ${dataset.classes} classes; set the Output units to ${units}`,
        fixable: true,
      });
  }
  return problems;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Sets the single Input's shape and the single Output's units from the dataset; returns a new
 * design (the argument is not touched) and the same object when nothing needed changing. Designs
 * with several Inputs or Outputs are left alone: which one the data belongs to is the user's call.
 */
export function fitDesignToDataset(design: Design, dataset: Dataset): Design {
  const inputs = design.nodes.filter((n) => n.type === 'Input');
  const outputs = design.nodes.filter((n) => n.type === 'Output');
  let changed = false;
  const nodes = design.nodes.map((n) => {
    if (n.type === 'Input' && inputs.length === 1 && !sameShape(n.params.shape, dataset.sampleShape)) {
      changed = true;
      return { ...n, params: { ...n.params, shape: [...dataset.sampleShape] } };
    }
    if (n.type === 'Output' && outputs.length === 1) {
      const units = unitsFor(dataset, n);
      if (n.params.units !== units) {
        changed = true;
        return { ...n, params: { ...n.params, units } };
      }
    }
    return n;
  });
  return changed ? { ...design, nodes } : design;
}
