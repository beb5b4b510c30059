/**
 * The structural rules of onnx.checker that need no operator schemas: run on the bytes as written
 * (decoded again), so what is checked is what a reader gets.
 */
import { z } from 'zod';
import { decodeModel, modelToObject } from './proto';

const list = <T extends z.ZodType>(item: T) => z.array(item).default([]);
const Dim = z.object({ dimValue: z.number().optional(), dimParam: z.string().optional() });
const ValueInfo = z.object({
  name: z.string().default(''),
  type: z.object({ tensorType: z.object({ elemType: z.number().default(0), shape: z.object({ dim: list(Dim) }).optional() }).optional() }).optional(),
});
const Model = z.object({
  irVersion: z.number().default(0),
  opsetImport: list(z.object({ domain: z.string().default(''), version: z.number().default(0) })),
  graph: z
    .object({
      name: z.string().default(''),
      node: list(
        z.object({
          name: z.string().default(''),
          opType: z.string().default(''),
          domain: z.string().default(''),
          input: list(z.string()),
          output: list(z.string()),
          attribute: list(z.object({ name: z.string() })),
        }),
      ),
      initializer: list(
        z.object({
          name: z.string().default(''),
          dims: list(z.number()),
          dataType: z.number().default(0),
          rawData: z.instanceof(Uint8Array).optional(),
          floatData: list(z.number()),
        }),
      ),
      input: list(ValueInfo),
      output: list(ValueInfo),
      valueInfo: list(ValueInfo),
    })
    .optional(),
});
type Model = z.infer<typeof Model>;

/** Per op: how many inputs it takes, and the attributes it must have. */
const OPS: Record<string, { min: number; max: number; required?: string[] }> = {
  Gemm: { min: 2, max: 3 },
  Conv: { min: 2, max: 3, required: ['kernel_shape', 'strides', 'pads'] },
  MaxPool: { min: 1, max: 1, required: ['kernel_shape'] },
  AveragePool: { min: 1, max: 1, required: ['kernel_shape'] },
  GlobalAveragePool: { min: 1, max: 1 },
  Flatten: { min: 1, max: 1 },
  Transpose: { min: 1, max: 1, required: ['perm'] },
  BatchNormalization: { min: 5, max: 5 },
  LayerNormalization: { min: 2, max: 3 },
  Identity: { min: 1, max: 1 },
  Relu: { min: 1, max: 1 },
  LeakyRelu: { min: 1, max: 1 },
  Elu: { min: 1, max: 1 },
  Selu: { min: 1, max: 1 },
  Tanh: { min: 1, max: 1 },
  Sigmoid: { min: 1, max: 1 },
  Softmax: { min: 1, max: 1 },
  Erf: { min: 1, max: 1 },
  Add: { min: 2, max: 2 },
  Mul: { min: 2, max: 2 },
  Div: { min: 2, max: 2 },
  Sum: { min: 1, max: 2147483647 },
  Concat: { min: 1, max: 2147483647, required: ['axis'] },
};

const FLOAT = 1;

/** Every rule broken, each naming the tensor or node; empty when the model passes. */
export function checkOnnxModel(bytes: Uint8Array): string[] {
  let model: Model;
  try {
    const parsed = Model.safeParse(modelToObject(decodeModel(bytes)));
    if (!parsed.success) return [`not an ONNX model: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`];
    model = parsed.data;
  } catch (error) {
    return [`not a readable ONNX protobuf: ${error instanceof Error ? error.message : String(error)}`];
  }
  const problems: string[] = [];
  if (!Number(model.irVersion)) problems.push('ir_version is not set');
  const opset = model.opsetImport.find((o) => o.domain === '');
  if (!opset || !Number(opset.version)) problems.push('no opset_import for the default ONNX domain');
  const graph = model.graph;
  if (!graph) return [...problems, 'the model has no graph'];
  if (!graph.name) problems.push('the graph has no name');

  const defined = new Set<string>();
  const define = (name: string, what: string) => {
    if (!name) problems.push(`${what} has an empty name`);
    else if (defined.has(name)) problems.push(`${what} "${name}" is defined twice (a graph assigns each name once)`);
    defined.add(name);
  };
  for (const init of graph.initializer) {
    define(init.name, 'initializer');
    const count = init.dims.reduce<number>((n, d) => n * Number(d), 1);
    if (init.dims.some((d) => Number(d) < 0)) problems.push(`initializer "${init.name}" has a negative dimension`);
    if (init.dataType !== FLOAT) problems.push(`initializer "${init.name}" is not float32`);
    const stored = init.rawData?.length ? init.rawData.length / 4 : init.floatData.length;
    if (stored !== count) problems.push(`initializer "${init.name}" holds ${stored} values for dims [${init.dims.join(', ')}] (${count})`);
  }
  if (!graph.input.length) problems.push('the graph has no input');
  for (const input of graph.input) if (!defined.has(input.name)) define(input.name, 'graph input');

  const nodeNames = new Set<string>();
  for (const [i, node] of graph.node.entries()) {
    const label = `node ${i} "${node.name}" (${node.opType})`;
    if (!node.name) problems.push(`node ${i} (${node.opType}) has no name`);
    else if (nodeNames.has(node.name)) problems.push(`${label}: node name used twice`);
    nodeNames.add(node.name);
    const spec = OPS[node.opType];
    if (node.domain !== '') problems.push(`${label}: domain "${node.domain}" is not imported`);
    if (!spec) problems.push(`${label}: not an operator this exporter writes`);
    else {
      if (node.input.length < spec.min || node.input.length > spec.max)
        problems.push(`${label}: ${node.input.length} inputs, expected ${spec.min}–${spec.max}`);
      const attrs = new Set(node.attribute.map((a) => a.name));
      for (const r of spec.required ?? []) if (!attrs.has(r)) problems.push(`${label}: attribute "${r}" is missing`);
    }
    for (const input of node.input) {
      // Inputs must be defined earlier: this is the topological-order rule.
      if (input && !defined.has(input)) problems.push(`${label}: input "${input}" is not defined before the node`);
    }
    for (const output of node.output) define(output, `output of ${label}`);
  }
  for (const output of graph.output) if (!defined.has(output.name)) problems.push(`graph output "${output.name}" is produced by no node`);

  for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) {
    if (!defined.has(v.name)) problems.push(`value_info "${v.name}" names no tensor of the graph`);
    const tensor = v.type?.tensorType;
    if (!tensor || tensor.elemType !== FLOAT) {
      problems.push(`value_info "${v.name}" is not a float32 tensor type`);
      continue;
    }
    const dims = tensor.shape?.dim ?? [];
    if (!dims.length) problems.push(`value_info "${v.name}" has no shape`);
    for (const [k, d] of dims.entries()) {
      const ok = d.dimParam ? d.dimParam.length > 0 : Number(d.dimValue) > 0;
      if (!ok) problems.push(`value_info "${v.name}": dimension ${k} is neither a positive size nor a named dimension`);
    }
  }
  const infoNames = graph.valueInfo.map((v) => v.name);
  if (new Set(infoNames).size !== infoNames.length) problems.push('value_info names a tensor twice');
  return problems;
}
