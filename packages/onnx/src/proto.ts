import { RnnkitError } from '@rnnkit/core';
import protobuf from 'protobufjs/light.js';
import { ONNX_DESCRIPTOR } from './proto/onnx-descriptor.js';

/**
 * The ONNX protobuf messages, read and written with protobufjs from a descriptor generated from the
 * vendored `proto/onnx.proto` (onnx 1.23.1). Field names are the proto's own (snake_case), as in
 * Python's `onnx` package. int64 fields are plain numbers here (dims and shape constants fit in 2^53).
 */

export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;

export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

export interface TensorProto {
  dims?: number[];
  data_type?: number;
  name?: string;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  double_data?: number[];
  raw_data?: Uint8Array;
  data_location?: number;
  doc_string?: string;
}

export interface AttributeProto {
  name: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  /** A subgraph (the body of Scan, Loop, If). */
  g?: GraphProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  doc_string?: string;
}

export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  op_type: string;
  domain?: string;
  attribute?: AttributeProto[];
  doc_string?: string;
}

export interface DimProto {
  dim_value?: number;
  dim_param?: string;
}

export interface ValueInfoProto {
  name: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: DimProto[] } } };
  doc_string?: string;
}

export interface GraphProto {
  node: NodeProto[];
  name?: string;
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  value_info?: ValueInfoProto[];
  doc_string?: string;
}

export interface OperatorSetIdProto {
  domain?: string;
  version: number;
}

export interface StringStringEntryProto {
  key: string;
  value: string;
}

export interface ModelProto {
  ir_version: number;
  opset_import: OperatorSetIdProto[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: number;
  doc_string?: string;
  graph: GraphProto;
  metadata_props?: StringStringEntryProto[];
  functions?: unknown[];
}

let modelType: protobuf.Type | undefined;

function ModelType(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_DESCRIPTOR as protobuf.INamespace).lookupType(
    'onnx.ModelProto',
  );
  return modelType;
}

/** Serialises a ModelProto to the ONNX file format. */
export function encodeModel(model: ModelProto): Uint8Array {
  const t = ModelType();
  const problem = t.verify(model);
  if (problem) throw new RnnkitError(`encodeModel: invalid ModelProto: ${problem}`);
  return t.encode(t.fromObject(model)).finish();
}

/** Parses an ONNX file's bytes. Repeated fields are always arrays, int64 fields numbers. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const t = ModelType();
  let msg: protobuf.Message;
  try {
    msg = t.decode(bytes);
  } catch (e) {
    throw new RnnkitError(
      `decodeModel: not an ONNX model (protobuf decoding failed: ${(e as Error).message})`,
    );
  }
  const obj = t.toObject(msg, { longs: Number, arrays: true, defaults: false }) as ModelProto;
  if (!obj.graph) throw new RnnkitError('decodeModel: not an ONNX model (it has no graph)');
  return obj;
}

// ---------------------------------------------------------------------------------------------
// tensors

/** Host values of a TensorProto: floats as Float32Array, integers and bools as numbers. */
export type HostArray =
  | { dtype: 'float32'; shape: number[]; data: Float32Array }
  | { dtype: 'int64' | 'int32' | 'bool'; shape: number[]; data: number[] };

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function rawView(raw: Uint8Array): ArrayBuffer {
  // copy: raw_data is a view into the decoded buffer (a Node Buffer's slice is a view too) and
  // may be unaligned
  const copy = new Uint8Array(raw.length);
  copy.set(raw);
  if (!LITTLE_ENDIAN) throw new RnnkitError('ONNX raw_data needs a little-endian host');
  return copy.buffer;
}

const DTYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(DataType).map(([k, v]) => [v, k]),
);

export function dataTypeName(t: number | undefined): string {
  return DTYPE_NAMES[t ?? 0] ?? `data type ${t}`;
}

/** Reads a TensorProto's values. Supports FLOAT, DOUBLE (as float32), INT32, INT64 and BOOL. */
export function readTensor(t: TensorProto): HostArray {
  const shape = (t.dims ?? []).map(Number);
  const size = shape.reduce((a, b) => a * b, 1);
  const what = `tensor '${t.name ?? ''}'`;
  if (t.data_location === 1)
    throw new RnnkitError(
      `${what} keeps its data in an external file; save the model with its weights inside (onnx.save(model, path, save_as_external_data=False))`,
    );
  const raw = t.raw_data && t.raw_data.length > 0 ? t.raw_data : null;
  let out: HostArray;
  switch (t.data_type) {
    case DataType.FLOAT:
      out = {
        dtype: 'float32',
        shape,
        data: raw ? new Float32Array(rawView(raw)) : Float32Array.from(t.float_data ?? []),
      };
      break;
    case DataType.DOUBLE:
      out = {
        dtype: 'float32',
        shape,
        data: Float32Array.from(raw ? new Float64Array(rawView(raw)) : (t.double_data ?? [])),
      };
      break;
    case DataType.INT64:
      out = {
        dtype: 'int64',
        shape,
        data: raw
          ? Array.from(new BigInt64Array(rawView(raw)), (v) => Number(v))
          : (t.int64_data ?? []).map(Number),
      };
      break;
    case DataType.INT32:
    case DataType.INT16:
    case DataType.INT8:
    case DataType.UINT8:
    case DataType.BOOL: {
      const dtype = t.data_type === DataType.BOOL ? 'bool' : 'int32';
      let data: number[];
      if (!raw) data = (t.int32_data ?? []).map(Number);
      else if (t.data_type === DataType.INT32) data = Array.from(new Int32Array(rawView(raw)));
      else if (t.data_type === DataType.INT16) data = Array.from(new Int16Array(rawView(raw)));
      else if (t.data_type === DataType.INT8) data = Array.from(new Int8Array(rawView(raw)));
      else data = Array.from(raw);
      out = { dtype, shape, data };
      break;
    }
    default:
      throw new RnnkitError(
        `${what} has element type ${dataTypeName(t.data_type)}; rnnkit reads FLOAT, DOUBLE, INT64, INT32, INT16, INT8, UINT8 and BOOL tensors`,
      );
  }
  if (out.data.length !== size)
    throw new RnnkitError(
      `${what} has ${out.data.length} values for dims [${shape.join(', ')}] (${size} expected)`,
    );
  return out;
}

/** A FLOAT TensorProto holding `data` as little-endian raw bytes. */
export function floatTensor(
  name: string,
  dims: readonly number[],
  data: Float32Array,
): TensorProto {
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== data.length)
    throw new RnnkitError(
      `floatTensor '${name}': ${data.length} values for dims [${dims.join(', ')}]`,
    );
  const bytes = new Uint8Array(data.byteLength);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return { name, dims: [...dims], data_type: DataType.FLOAT, raw_data: bytes };
}

/** An INT64 TensorProto (shape constants, indices). */
export function int64Tensor(
  name: string,
  dims: readonly number[],
  data: readonly number[],
): TensorProto {
  return { name, dims: [...dims], data_type: DataType.INT64, int64_data: [...data] };
}

// ---------------------------------------------------------------------------------------------
// attributes

/** A float attribute value (numbers default to INT when integral). */
export class FloatAttr {
  constructor(readonly value: number) {}
}
export class FloatsAttr {
  constructor(readonly value: readonly number[]) {}
}

/** A subgraph attribute value (Scan's and Loop's `body`). */
export class GraphAttr {
  constructor(readonly value: GraphProto) {}
}

export type AttrValue =
  | GraphAttr
  | number
  | string
  | readonly string[]
  | readonly number[]
  | FloatAttr
  | FloatsAttr
  | TensorProto;

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

/** Builds an AttributeProto: integers → INT(S), strings → STRING(S), FloatAttr(s) → FLOAT(S). */
export function makeAttribute(name: string, v: AttrValue): AttributeProto {
  if (v instanceof FloatAttr) return { name, type: AttributeType.FLOAT, f: v.value };
  if (v instanceof GraphAttr) return { name, type: AttributeType.GRAPH, g: v.value };
  if (v instanceof FloatsAttr) return { name, type: AttributeType.FLOATS, floats: [...v.value] };
  if (typeof v === 'string') return { name, type: AttributeType.STRING, s: utf8.encode(v) };
  if (typeof v === 'number') {
    if (!Number.isInteger(v))
      throw new RnnkitError(`attribute ${name}: ${v} is not an integer; wrap floats in FloatAttr`);
    return { name, type: AttributeType.INT, i: v };
  }
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string'))
      return { name, type: AttributeType.STRINGS, strings: v.map((s: string) => utf8.encode(s)) };
    if (v.every((x) => Number.isInteger(x)))
      return { name, type: AttributeType.INTS, ints: [...(v as number[])] };
    throw new RnnkitError(`attribute ${name}: lists must be all strings or all integers`);
  }
  return { name, type: AttributeType.TENSOR, t: v as TensorProto };
}

/** Reads an attribute as a plain JS value (strings decoded from UTF-8). */
export function attributeValue(a: AttributeProto): unknown {
  switch (a.type) {
    case AttributeType.FLOAT:
      return a.f ?? 0;
    case AttributeType.INT:
      return a.i ?? 0;
    case AttributeType.STRING:
      return utf8d.decode(a.s ?? new Uint8Array());
    case AttributeType.TENSOR:
      return a.t;
    case AttributeType.FLOATS:
      return a.floats ?? [];
    case AttributeType.INTS:
      return a.ints ?? [];
    case AttributeType.STRINGS:
      return (a.strings ?? []).map((s) => utf8d.decode(s));
    default:
      return undefined;
  }
}
