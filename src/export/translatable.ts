import { isLayerType } from '../graph/catalogue';
import type { Design, NodeOfType } from '../graph/design';
import { formatDiagnostic } from '../graph/diagnostics';
import type { Shape } from '../graph/shape';
import { validateDesign, type Validation } from '../graph/validate';

export interface TranslatableDesign {
  validation: Validation;
  input: NodeOfType<'Input'>;
  output: NodeOfType<'Output'>;
  /** The inferred output shape of a design node; a node without one is a translation error. */
  shapeOf(designId: string): Shape;
}

/**
 * What every exporter that translates node by node checks first: each node's type is one the layer
 * registry knows (a file from a newer app version may hold others), the design has no errors, and it
 * has its Input and Output. `fail` turns the problems, each naming its node, into the exporter's own
 * error; nothing is translated when it throws.
 */
export function checkTranslatable(design: Design, refusal: string, fail: (problems: string[]) => Error): TranslatableDesign {
  const unknown = design.nodes.filter((n) => !isLayerType(n.type));
  if (unknown.length) throw fail(unknown.map((n) => `node "${n.id}" has layer type "${n.type}", which ${refusal}`));
  const validation = validateDesign(design);
  const errors = validation.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw fail(errors.map(formatDiagnostic));
  const input = design.nodes.find((n) => n.type === 'Input');
  const output = design.nodes.find((n) => n.type === 'Output');
  if (input?.type !== 'Input' || output?.type !== 'Output') throw fail(['the design needs one Input and one Output']);
  const shapeOf = (designId: string): Shape => {
    const s = validation.nodeShapes.get(designId);
    if (!s) throw fail([`node "${designId}": its shape could not be inferred`]);
    return s;
  };
  return { validation, input, output, shapeOf };
}
