/**
 * Builds tiny ONNX models in memory (one graph of a few nodes) so that dense linear algebra can
 * run on onnxruntime's native kernels (MLAS GEMM, the com.microsoft Inverse contrib op) instead
 * of JavaScript loops. Only the handful of ONNX protobuf fields such a graph needs are written, in
 * protobuf's documented wire format (varints and length-delimited fields); field numbers are those
 * of onnx.proto (ModelProto, GraphProto, NodeProto, ValueInfoProto, TypeProto, AttributeProto).
 */

/** ONNX TensorProto.DataType values used here. */
export const ONNX_FLOAT = 1;
export const ONNX_DOUBLE = 11;

type Bytes = number[];

const utf8 = new TextEncoder();

function varint(value: number): Bytes {
  const out: Bytes = [];
  let v = value;
  // values here are small non-negative integers (< 2^53)
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function fieldVarint(field: number, value: number): Bytes {
  return [...varint(field * 8), ...varint(value)];
}

function fieldBytes(field: number, bytes: Bytes): Bytes {
  return [...varint(field * 8 + 2), ...varint(bytes.length), ...bytes];
}

function fieldString(field: number, s: string): Bytes {
  return fieldBytes(field, [...utf8.encode(s)]);
}

/** A graph input or output: a tensor of `elemType` whose dimensions are numbers or symbolic names. */
export interface TensorInfo {
  readonly name: string;
  readonly elemType: number;
  readonly dims: readonly (number | string)[];
}

/** An integer attribute of a node (e.g. Gemm's transA). */
export interface IntAttribute {
  readonly name: string;
  readonly value: number;
}

export interface GraphNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** '' (default) for the standard ai.onnx domain, 'com.microsoft' for contrib ops. */
  readonly domain?: string;
  readonly attributes?: readonly IntAttribute[];
}

const ATTRIBUTE_INT = 2;

function valueInfo(t: TensorInfo): Bytes {
  const dims = t.dims.flatMap((d) => fieldBytes(1, typeof d === 'number' ? fieldVarint(1, d) : fieldString(2, d)));
  const tensorType = [...fieldVarint(1, t.elemType), ...fieldBytes(2, dims)];
  return [...fieldString(1, t.name), ...fieldBytes(2, fieldBytes(1, tensorType))];
}

function attribute(a: IntAttribute): Bytes {
  return [...fieldString(1, a.name), ...fieldVarint(3, a.value), ...fieldVarint(20, ATTRIBUTE_INT)];
}

function nodeProto(n: GraphNode, index: number): Bytes {
  return [
    ...n.inputs.flatMap((i) => fieldString(1, i)),
    ...n.outputs.flatMap((o) => fieldString(2, o)),
    ...fieldString(3, `n${index}`),
    ...fieldString(4, n.op),
    ...(n.attributes ?? []).flatMap((a) => fieldBytes(5, attribute(a))),
    ...(n.domain ? fieldString(7, n.domain) : []),
  ];
}

/** ONNX IR version 8 with opset 17 of ai.onnx and opset 1 of com.microsoft. */
export function onnxModel(nodes: readonly GraphNode[], inputs: readonly TensorInfo[], outputs: readonly TensorInfo[]): Uint8Array {
  const graph = [
    ...nodes.flatMap((n, i) => fieldBytes(1, nodeProto(n, i))),
    ...fieldString(2, 'knowrec'),
    ...inputs.flatMap((t) => fieldBytes(11, valueInfo(t))),
    ...outputs.flatMap((t) => fieldBytes(12, valueInfo(t))),
  ];
  return Uint8Array.from([
    ...fieldVarint(1, 8),
    ...fieldString(2, 'knowrec-workbench'),
    ...fieldBytes(7, graph),
    ...fieldBytes(8, [...fieldString(1, ''), ...fieldVarint(2, 17)]),
    ...fieldBytes(8, [...fieldString(1, 'com.microsoft'), ...fieldVarint(2, 1)]),
  ]);
}
