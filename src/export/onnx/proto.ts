/** The ONNX graph as protobuf bytes, through the published ONNX schema (onnx-proto, protobufjs). */
import onnxProto from 'onnx-proto';
import { ONNX_IR_VERSION, ONNX_OPSET, type AttrValue, type OnnxGraph, type ValueShape } from './model';

const { onnx } = onnxProto;
export type ModelProto = InstanceType<typeof onnx.ModelProto>;

const FLOAT = onnx.TensorProto.DataType.FLOAT;

function attribute(name: string, value: AttrValue) {
  const A = onnx.AttributeProto.AttributeType;
  if ('int' in value) return { name, type: A.INT, i: value.int };
  if ('float' in value) return { name, type: A.FLOAT, f: value.float };
  if ('ints' in value) return { name, type: A.INTS, ints: value.ints };
  return { name, type: A.STRING, s: new TextEncoder().encode(value.string) };
}

function valueInfo(v: ValueShape) {
  return {
    name: v.name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: v.dims.map((d) => (d === 'N' ? { dimParam: 'N' } : { dimValue: d })) } } },
  };
}

/** float32 values as little-endian bytes, whatever the host's byte order. */
function rawFloats(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return out;
}

export interface ModelInfo {
  producerVersion: string;
  docString: string;
  metadata: Record<string, string>;
}

export function encodeModel(graph: OnnxGraph, info: ModelInfo): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'ResCanvas',
    producerVersion: info.producerVersion,
    docString: info.docString,
    metadataProps: Object.entries(info.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: graph.name,
      input: [valueInfo(graph.input)],
      output: [valueInfo(graph.output)],
      valueInfo: graph.valueInfo.map(valueInfo),
      initializer: graph.initializers.map((t) => ({ name: t.name, dims: t.dims, dataType: FLOAT, rawData: rawFloats(t.values) })),
      node: graph.nodes.map((n) => ({
        name: n.name,
        opType: n.opType,
        domain: '',
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes).map(([k, v]) => attribute(k, v)),
        docString: `design node ${n.designNode}`,
      })),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** A plain object (numbers for int64, Uint8Array for bytes) for schema checks. */
export function modelToObject(model: ModelProto): unknown {
  return onnx.ModelProto.toObject(model, { longs: Number, arrays: true });
}
