import type { RecurrentLayer } from '@rnnkit/cells';
import {
  type Backend,
  broadcastTo,
  concat,
  div,
  getBackend,
  keep,
  logSoftmax,
  Module,
  matmul,
  mul,
  mulScalar,
  Parameter,
  RnnkitError,
  relu,
  reshape,
  ShapeError,
  sigmoid,
  softmax,
  sub,
  type Tensor,
  add as tAdd,
  tanh,
  tensor,
  gather as tGather,
  tidy,
  transpose,
} from '@rnnkit/core';
import type { Dim } from './builder.js';
import { isInt, sliceTensor, takeAlong, toInts, toTensor, type Val } from './graph-values.js';
import { compileRecurrent, type RecurrentNodeInfo, type Step } from './import-recurrent.js';

export type { RecurrentNodeInfo } from './import-recurrent.js';

import { MODEL_METADATA_KEY, type ModelDescription } from './export.js';
import {
  broadcastShape,
  hostBinary,
  hostConcat,
  hostExpand,
  hostGather,
  hostSlice,
  hostTranspose,
  type IntArray,
  intArray,
  normAxis,
  sizeOf,
  sliceRanges,
} from './host.js';
import {
  attributeValue,
  DataType,
  dataTypeName,
  decodeModel,
  type GraphProto,
  type HostArray,
  type ModelProto,
  type NodeProto,
  readTensor,
  type TensorProto,
  type ValueInfoProto,
} from './proto.js';
import { SUPPORTED_OPS } from './supported-ops.js';

export interface ImportOptions {
  /** Backend that holds the weights and runs the model (default: the current backend). */
  backend?: Backend;
}

/** A graph input or output as declared. */
export interface TensorInfo {
  name: string;
  /** 'float32', 'int64', 'int32', … */
  elemType: string;
  /** Fixed sizes, or names of dimensions chosen at run time. */
  shape: Dim[];
}

/** What `run` accepts for one input: a tensor, or host values with a shape. */
export type Feed =
  | Tensor
  | {
      data: Float32Array | Float64Array | Int32Array | BigInt64Array | readonly number[];
      shape: readonly number[];
    };

export { SUPPORTED_OPS };

const SUPPORTED = new Set<string>(SUPPORTED_OPS);

/** Float initializers that are not recurrent weights (heads, embeddings), as parameters. */
class Initializers extends Module {}

/**
 * A model imported from ONNX: an rnnkit Module whose recurrent operators are rnnkit layers
 * (`layers`, one per RNN/LSTM/GRU node, weights converted by `fromOnnxWeights`) and whose other
 * float weights are Parameters (`initializers`), run by `run(feeds)` on any backend with core's
 * ops, so gradients flow too (fine-tune an imported model with @rnnkit/train).
 */
export class OnnxModel extends Module {
  readonly layers: RecurrentLayer[] = [];
  readonly initializers = new Initializers();
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  readonly recurrent: RecurrentNodeInfo[] = [];
  readonly metadata: Record<string, string>;
  readonly producer: string;
  readonly opsetVersion: number;
  readonly irVersion: number;
  readonly backend: Backend;
  readonly #steps: Step[] = [];
  readonly #consts = new Map<string, Val>();
  readonly #inputTypes = new Map<string, number>();

  constructor(proto: ModelProto, options: ImportOptions = {}) {
    super();
    this.backend = options.backend ?? getBackend();
    const g = proto.graph;
    this.metadata = Object.fromEntries((proto.metadata_props ?? []).map((e) => [e.key, e.value]));
    this.producer = [proto.producer_name, proto.producer_version].filter(Boolean).join(' ');
    this.irVersion = proto.ir_version;
    const opset = proto.opset_import.find((o) => !o.domain || o.domain === 'ai.onnx');
    this.opsetVersion = opset?.version ?? 0;
    checkSupported(g);
    const inits = new Map(g.initializer.map((t) => [t.name ?? '', t]));
    this.inputs = g.input.filter((i) => !inits.has(i.name)).map(info);
    this.outputs = g.output.map(info);
    for (const i of g.input) this.#inputTypes.set(i.name, elemTypeOf(i));

    // Constant nodes are values known at import, like initializers.
    const constants = new Map<string, TensorProto>(inits);
    for (const n of g.node)
      if (n.op_type === 'Constant') constants.set(n.output[0], constantTensor(n));

    const recurrentWeights = new Set<string>();
    for (const n of g.node)
      if (n.op_type === 'RNN' || n.op_type === 'LSTM' || n.op_type === 'GRU')
        for (const k of [1, 2, 3, 7]) if (n.input[k]) recurrentWeights.add(n.input[k]);
    const usedElsewhere = new Set<string>(g.output.map((o) => o.name));
    for (const n of g.node) {
      const rec = n.op_type === 'RNN' || n.op_type === 'LSTM' || n.op_type === 'GRU';
      n.input.forEach((x, k) => {
        if (x && !(rec && [1, 2, 3, 7].includes(k))) usedElsewhere.add(x);
      });
    }
    const params = this.initializers as unknown as Record<string, Parameter>;
    for (const [name, t] of constants) {
      if (recurrentWeights.has(name) && !usedElsewhere.has(name)) continue;
      const v = readTensor(t);
      if (v.dtype === 'float32') {
        const tt = tensor(v.data, v.shape, 'float32', this.backend);
        if (inits.has(name)) params[name] = new Parameter(tt);
        else this.#consts.set(name, keep(tt));
      } else this.#consts.set(name, intArray(v.data, v.shape, v.dtype));
    }
    for (const n of g.node) {
      if (n.op_type === 'Constant') continue;
      this.#steps.push(this.#compile(n, constants));
    }
  }

  /** The rnnkit model description stored by `exportOnnx`, or null for other producers. */
  get description(): ModelDescription | null {
    const s = this.metadata[MODEL_METADATA_KEY];
    return s ? (JSON.parse(s) as ModelDescription) : null;
  }

  /**
   * Runs the graph. `feeds` maps input names to tensors (float inputs) or host arrays (integer
   * inputs such as token ids take Int32Array, BigInt64Array or numbers). Returns every graph output
   * as a tensor (integer outputs as int32).
   */
  run(feeds: Record<string, Feed>): Record<string, Tensor> {
    const env = new Map<string, Val>(this.#consts);
    for (const [name, p] of this.initializers.namedParameters()) env.set(name, p);
    const known = new Set(this.inputs.map((i) => i.name));
    for (const k of Object.keys(feeds))
      if (!known.has(k) && !this.#inputTypes.has(k))
        throw new RnnkitError(
          `OnnxModel.run: unknown input '${k}'; the model's inputs are ${this.inputs.map((i) => `'${i.name}'`).join(', ')}`,
        );
    for (const inp of this.inputs) {
      const f = feeds[inp.name];
      if (f === undefined)
        throw new RnnkitError(
          `OnnxModel.run: missing input '${inp.name}' ${inp.elemType} [${inp.shape.join(', ')}]`,
        );
      env.set(inp.name, this.#feed(inp, f));
    }
    return tidy(() => {
      for (const s of this.#steps) s(env);
      const out: Record<string, Tensor> = {};
      for (const o of this.outputs) {
        const v = env.get(o.name);
        if (v === undefined)
          throw new RnnkitError(`OnnxModel.run: output '${o.name}' was not computed`);
        out[o.name] = isInt(v)
          ? tensor(Int32Array.from(v.data), v.shape, 'int32', this.backend)
          : v;
      }
      return out;
    });
  }

  #feed(inp: TensorInfo, f: Feed): Val {
    const isTensor = (f as Tensor).dataSync !== undefined && (f as Tensor).backend !== undefined;
    const shape = [...f.shape];
    const want = inp.shape;
    if (
      shape.length !== want.length ||
      want.some((d, i) => typeof d === 'number' && d !== shape[i])
    )
      throw new ShapeError(
        `OnnxModel.run: input '${inp.name}' must be [${want.join(', ')}], got [${shape.join(', ')}]`,
      );
    const data = isTensor ? (f as Tensor).dataSync() : (f as Exclude<Feed, Tensor>).data;
    if (inp.elemType === 'float32' || inp.elemType === 'float64') {
      if (isTensor && (f as Tensor).dtype !== 'float32')
        throw new RnnkitError(
          `OnnxModel.run: input '${inp.name}' is ${inp.elemType}; pass a float32 tensor`,
        );
      if (isTensor && (f as Tensor).backend === this.backend) return f as Tensor;
      return tensor(Float32Array.from(data as ArrayLike<number>), shape, 'float32', this.backend);
    }
    if (isTensor && (f as Tensor).dtype !== 'int32')
      throw new RnnkitError(
        `OnnxModel.run: input '${inp.name}' is ${inp.elemType}; pass an int32 tensor or integer values`,
      );
    const nums =
      data instanceof BigInt64Array
        ? Array.from(data, Number)
        : Array.from(data as ArrayLike<number>);
    return intArray(nums, shape, inp.elemType === 'bool' ? 'bool' : 'int64');
  }

  // ---------------------------------------------------------------------------------------------

  #compile(n: NodeProto, constants: Map<string, TensorProto>): Step {
    const be = this.backend;
    const attrs = new Map((n.attribute ?? []).map((a) => [a.name, attributeValue(a)]));
    const who = `${n.op_type} node '${n.name || n.output[0]}'`;
    const get = (env: Map<string, Val>, k: number): Val | undefined => {
      const name = n.input[k];
      if (!name) return undefined;
      const v = env.get(name);
      if (v === undefined) throw new RnnkitError(`${who}: input '${name}' has no value`);
      return v;
    };
    const f = (env: Map<string, Val>, k: number): Tensor => toTensor(get(env, k)!, be);
    const ints = (env: Map<string, Val>, k: number): number[] | undefined => {
      const v = get(env, k);
      return v === undefined ? undefined : toInts(v).data;
    };
    const set = (env: Map<string, Val>, ...vals: (Val | undefined)[]) =>
      vals.forEach((v, i) => {
        if (n.output[i] && v !== undefined) env.set(n.output[i], v);
      });
    const num = (k: string, d: number) => (attrs.has(k) ? (attrs.get(k) as number) : d);
    const axesOf = (env: Map<string, Val>) =>
      ints(env, 1) ?? (attrs.get('axes') as number[] | undefined);
    const unary =
      (fn: (x: Tensor) => Tensor): Step =>
      (env) =>
        set(env, fn(f(env, 0)));
    const binary =
      (fn: (a: Tensor, b: Tensor) => Tensor, hostFn: (a: number, b: number) => number): Step =>
      (env) => {
        const a = get(env, 0)!;
        const b = get(env, 1)!;
        if (isInt(a) && isInt(b)) set(env, hostBinary(n.op_type, a, b, hostFn));
        else set(env, fn(toTensor(a, be), toTensor(b, be)));
      };

    switch (n.op_type) {
      case 'RNN':
      case 'LSTM':
      case 'GRU':
        return compileRecurrent(this, n, attrs, constants, who, get, set);
      case 'Identity':
        return (env) => set(env, get(env, 0));
      case 'Dropout':
        if (n.output[1]) throw new RnnkitError(`${who}: the Dropout mask output is not supported`);
        return (env) => set(env, get(env, 0));
      case 'Add':
        return binary(tAdd, (a, b) => a + b);
      case 'Sub':
        return binary(sub, (a, b) => a - b);
      case 'Mul':
        return binary(mul, (a, b) => a * b);
      case 'Div':
        return binary(div, (a, b) => Math.trunc(a / b));
      case 'Relu':
        return unary(relu);
      case 'Tanh':
        return unary(tanh);
      case 'Sigmoid':
        return unary(sigmoid);
      case 'Softmax':
      case 'LogSoftmax': {
        const fn = n.op_type === 'Softmax' ? softmax : logSoftmax;
        return (env) => {
          const x = f(env, 0);
          const axis = normAxis(n.op_type, num('axis', this.opsetVersion >= 13 ? -1 : 1), x.rank);
          if (axis !== x.rank - 1)
            throw new RnnkitError(
              `${who}: only the last axis is supported, got axis ${axis} of rank ${x.rank}`,
            );
          set(env, fn(x));
        };
      }
      case 'MatMul':
        return (env) => {
          const a = f(env, 0);
          const b = f(env, 1);
          if (a.rank < 2 || b.rank !== 2)
            throw new RnnkitError(
              `${who}: supported for [..., K]·[K, N], got [${a.shape.join(', ')}]·[${b.shape.join(', ')}]`,
            );
          const K = a.shape[a.rank - 1];
          const y = matmul(a.rank === 2 ? a : reshape(a, [-1, K]), b);
          set(env, a.rank === 2 ? y : reshape(y, [...a.shape.slice(0, -1), b.shape[1]]));
        };
      case 'Gemm':
        return (env) => {
          let y = matmul(f(env, 0), f(env, 1), {
            transA: num('transA', 0) === 1,
            transB: num('transB', 0) === 1,
          });
          const alpha = num('alpha', 1);
          const beta = num('beta', 1);
          if (alpha !== 1) y = mulScalar(y, alpha);
          if (n.input[2]) {
            const c = f(env, 2);
            y = tAdd(y, beta === 1 ? c : mulScalar(c, beta));
          }
          set(env, y);
        };
      case 'Transpose':
        return (env) => {
          const x = get(env, 0)!;
          const perm =
            (attrs.get('perm') as number[] | undefined) ??
            x.shape.map((_, i) => x.shape.length - 1 - i);
          set(env, isInt(x) ? hostTranspose(x, perm) : transpose(x, perm));
        };
      case 'Reshape':
        return (env) => {
          const x = get(env, 0)!;
          const spec = ints(env, 1) ?? (attrs.get('shape') as number[]);
          const allowZero = num('allowzero', 0) === 1;
          const shape = spec.map((d, i) => (d === 0 && !allowZero ? x.shape[i] : d));
          const inf = shape.indexOf(-1);
          if (inf >= 0) {
            const rest = sizeOf(shape.filter((_, i) => i !== inf));
            shape[inf] = rest === 0 ? 0 : sizeOf(x.shape) / rest;
          }
          if (sizeOf(shape) !== sizeOf(x.shape))
            throw new ShapeError(
              `${who}: cannot reshape [${x.shape.join(', ')}] to [${spec.join(', ')}]`,
            );
          set(env, isInt(x) ? { ...x, shape } : reshape(x, shape));
        };
      case 'Squeeze':
        return (env) => {
          const x = get(env, 0)!;
          const r = x.shape.length;
          const axes = axesOf(env)?.map((a) => normAxis('Squeeze', a, r));
          const shape = x.shape.filter((d, i) => (axes ? !axes.includes(i) : d !== 1));
          set(env, isInt(x) ? { ...x, shape } : reshape(x, shape));
        };
      case 'Unsqueeze':
        return (env) => {
          const x = get(env, 0)!;
          const axes = axesOf(env) ?? [];
          const r = x.shape.length + axes.length;
          const at = new Set(axes.map((a) => normAxis('Unsqueeze', a, r)));
          const shape: number[] = [];
          let k = 0;
          for (let i = 0; i < r; i++) shape.push(at.has(i) ? 1 : x.shape[k++]);
          set(env, isInt(x) ? { ...x, shape } : reshape(x, shape));
        };
      case 'Concat':
        return (env) => {
          const xs = n.input.map((_, k) => get(env, k)!);
          const axis = num('axis', 0);
          if (xs.every(isInt)) set(env, hostConcat(xs as IntArray[], axis));
          else {
            const ts = xs.map((x) => toTensor(x, be));
            set(env, concat(ts, normAxis('Concat', axis, ts[0].rank)));
          }
        };
      case 'Slice':
        return (env) => {
          const x = get(env, 0)!;
          const starts = ints(env, 1) ?? (attrs.get('starts') as number[]);
          const ends = ints(env, 2) ?? (attrs.get('ends') as number[]);
          const axes = ints(env, 3) ?? (attrs.get('axes') as number[] | undefined);
          const steps = ints(env, 4);
          const ranges = sliceRanges(x.shape, starts, ends, axes, steps);
          if (isInt(x)) set(env, hostSlice(x, ranges));
          else set(env, sliceTensor(x, ranges));
        };
      case 'Gather':
        return (env) => {
          const x = get(env, 0)!;
          const idx = toInts(get(env, 1)!);
          const axis = normAxis('Gather', num('axis', 0), x.shape.length);
          if (isInt(x)) return set(env, hostGather(x, idx, axis));
          const d = x.shape[axis];
          const flat = idx.data.map((i) => {
            const j = i < 0 ? i + d : i;
            if (j < 0 || j >= d)
              throw new RnnkitError(
                `${who}: index ${i} is out of range for axis ${axis} of size ${d}`,
              );
            return j;
          });
          if (axis === 0 && x.rank === 2) {
            const it = tensor(Int32Array.from(flat), idx.shape, 'int32', be);
            return set(env, tGather(x, it));
          }
          const picked = takeAlong(x, axis, flat);
          const shape = [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)];
          set(env, reshape(picked, shape));
        };
      case 'Shape':
        return (env) => {
          const x = get(env, 0)!;
          const r = x.shape.length;
          const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
          const s = x.shape.slice(clamp(num('start', 0)), clamp(num('end', r)));
          set(env, intArray([...s]));
        };
      case 'Cast': {
        const to = num('to', DataType.FLOAT);
        const toFloat = to === DataType.FLOAT || to === DataType.DOUBLE || to === DataType.FLOAT16;
        return (env) => {
          const x = get(env, 0)!;
          if (toFloat) return set(env, toTensor(x, be));
          const v = toInts(x);
          const dtype = to === DataType.BOOL ? 'bool' : to === DataType.INT32 ? 'int32' : 'int64';
          set(env, {
            ...v,
            dtype,
            data: v.data.map((d) => (dtype === 'bool' ? Number(d !== 0) : Math.trunc(d))),
          });
        };
      }
      case 'ConstantOfShape': {
        const t = attrs.get('value') as TensorProto | undefined;
        const v: HostArray = t
          ? readTensor(t)
          : { dtype: 'float32', shape: [1], data: new Float32Array(1) };
        return (env) => {
          const shape = ints(env, 0)!;
          const value = v.data[0] ?? 0;
          if (v.dtype === 'float32')
            set(env, tensor(new Float32Array(sizeOf(shape)).fill(value), shape, 'float32', be));
          else set(env, intArray(new Array(sizeOf(shape)).fill(value), shape, v.dtype));
        };
      }
      case 'Expand':
        return (env) => {
          const x = get(env, 0)!;
          const shape = ints(env, 1)!;
          if (isInt(x)) return set(env, hostExpand(x, shape));
          set(env, broadcastTo(x, broadcastShape('Expand', x.shape, shape)));
        };
      default:
        throw new RnnkitError(`importOnnx: unsupported operator '${n.op_type}' (${who})`);
    }
  }
}

export function importOnnx(bytes: Uint8Array, options: ImportOptions = {}): OnnxModel {
  return new OnnxModel(decodeModel(bytes), options);
}

// ---------------------------------------------------------------------------------------------

function checkSupported(g: GraphProto): void {
  const bad = new Map<string, string[]>();
  for (const n of g.node) {
    const domain = n.domain ?? '';
    const key = domain && domain !== 'ai.onnx' ? `${domain}::${n.op_type}` : n.op_type;
    if (key !== n.op_type || !SUPPORTED.has(n.op_type)) {
      const list = bad.get(key) ?? [];
      list.push(n.name || n.output[0]);
      bad.set(key, list);
    }
  }
  if (bad.size === 0) return;
  const which = [...bad.entries()]
    .map(
      ([op, nodes]) =>
        `'${op}' (${nodes.length} node${nodes.length > 1 ? 's' : ''}, first '${nodes[0]}')`,
    )
    .join(', ');
  throw new RnnkitError(
    `importOnnx: unsupported operator${bad.size > 1 ? 's' : ''} ${which}; rnnkit imports graphs made of ${SUPPORTED_OPS.join(', ')}`,
  );
}

function constantTensor(n: NodeProto): TensorProto {
  const a = n.attribute?.[0];
  if (!a) throw new RnnkitError(`Constant node '${n.name}' has no value`);
  const v = attributeValue(a);
  switch (a.name) {
    case 'value':
      return v as TensorProto;
    case 'value_float':
      return { data_type: DataType.FLOAT, dims: [], float_data: [v as number] };
    case 'value_floats':
      return {
        data_type: DataType.FLOAT,
        dims: [(v as number[]).length],
        float_data: v as number[],
      };
    case 'value_int':
      return { data_type: DataType.INT64, dims: [], int64_data: [v as number] };
    case 'value_ints':
      return {
        data_type: DataType.INT64,
        dims: [(v as number[]).length],
        int64_data: v as number[],
      };
    default:
      throw new RnnkitError(`Constant node '${n.name}': attribute '${a.name}' is not supported`);
  }
}

const ELEM_NAMES: Record<number, string> = {
  [DataType.FLOAT]: 'float32',
  [DataType.DOUBLE]: 'float64',
  [DataType.INT64]: 'int64',
  [DataType.INT32]: 'int32',
  [DataType.BOOL]: 'bool',
};

function elemTypeOf(v: ValueInfoProto): number {
  return v.type?.tensor_type?.elem_type ?? 0;
}

function info(v: ValueInfoProto): TensorInfo {
  const t = elemTypeOf(v);
  return {
    name: v.name,
    elemType: ELEM_NAMES[t] ?? dataTypeName(t).toLowerCase(),
    shape: (v.type?.tensor_type?.shape?.dim ?? []).map((d) =>
      d.dim_value !== undefined && d.dim_value !== null
        ? Number(d.dim_value)
        : (d.dim_param ?? '?'),
    ),
  };
}
