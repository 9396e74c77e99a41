import type { RecurrentLayer } from '@rnnkit/cells';
import {
  type Backend,
  getBackend,
  keep,
  Module,
  Parameter,
  RnnkitError,
  ShapeError,
  type Tensor,
  tensor,
  tidy,
} from '@rnnkit/core';
import type { Dim } from './builder.js';
import { isInt, type Val } from './graph-values.js';
import type { RecurrentNodeInfo, Step } from './import-recurrent.js';
import type { OnnxRecurrentLayer } from './onnx-recurrent-layer.js';

export type { RecurrentNodeInfo } from './import-recurrent.js';

import { MODEL_METADATA_KEY, type ModelDescription } from './export.js';
import { intArray } from './host.js';
import { opContext } from './import-ops/context.js';
import { IMPORT_OPS } from './import-ops/table.js';
import {
  attributeValue,
  DataType,
  dataTypeName,
  decodeModel,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  readTensor,
  type TensorProto,
  type ValueInfoProto,
} from './proto.js';
import { runSteps, runStepsSync } from './run-graph.js';
import { SUPPORTED_OPS, type SupportedOp } from './supported-ops.js';
import { readSyncOrExplain } from './sync-read.js';

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

const isTensor = (f: Feed): f is Tensor =>
  (f as Tensor).dataSync !== undefined && (f as Tensor).backend !== undefined;

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
  /** The recurrent nodes rnnkit's cells do not express, computed as ONNX's equations say. */
  readonly onnxLayers: OnnxRecurrentLayer[] = [];
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
   * inputs such as token ids take Int32Array, BigInt64Array or numbers). Resolves to every graph
   * output as a tensor (integer outputs as int32).
   *
   * Reads only with await, so it runs on every backend, one that cannot read synchronously
   * included: an integer input given as a tensor, a float one on another backend, and integers
   * the graph computes as floats are read with `await tensor.data()`.
   */
  async run(feeds: Record<string, Feed>): Promise<Record<string, Tensor>> {
    const env = this.#env();
    const made = new Set<Tensor>();
    // every feed is checked before any is read or made, so a refused one leaves nothing behind
    const given = this.#given(feeds).map(([inp, f]) => [inp, f, this.#mustRead(inp, f)] as const);
    for (const [inp, f, mustRead] of given) {
      const host = mustRead ? { data: await (f as Tensor).data(), shape: f.shape } : f;
      const v = this.#feed(inp, host);
      if (v !== f && !isInt(v)) made.add(v);
      env.set(inp.name, v);
    }
    return runSteps(this.#steps, env, (e) => this.#results(e), made);
  }

  /**
   * `run` in one synchronous pass, for a loss function inside valueAndGrad (fine-tuning), which
   * is synchronous. Where it must read a tensor (an integer input given as a tensor, a float one
   * on another backend, integers computed as floats) it needs a backend that can read
   * synchronously, and otherwise throws naming the fix.
   */
  runSync(feeds: Record<string, Feed>): Record<string, Tensor> {
    return tidy(() => this.#runSync(feeds));
  }

  #runSync(feeds: Record<string, Feed>): Record<string, Tensor> {
    const env = this.#env();
    for (const [inp, f] of this.#given(feeds)) {
      const host = this.#mustRead(inp, f)
        ? {
            data: readSyncOrExplain(
              f,
              `OnnxModel.runSync: input '${inp.name}'`,
              'pass its values instead: { data: await tensor.data(), shape: tensor.shape }, or use await model.run(feeds)',
            ),
            shape: f.shape,
          }
        : f;
      env.set(inp.name, this.#feed(inp, host));
    }
    const read = (t: Tensor) =>
      readSyncOrExplain(
        t,
        'OnnxModel.runSync',
        'this model computes integers (shapes, indices) as float tensors, which are read back where they are used: use await model.run(feeds), which reads them with await',
      );
    return runStepsSync(this.#steps, env, (e) => this.#results(e), read);
  }

  /** The values known before any input: constants and the float initializers' parameters. */
  #env(): Map<string, Val> {
    const env = new Map<string, Val>(this.#consts);
    for (const [name, p] of this.initializers.namedParameters()) env.set(name, p);
    return env;
  }

  /**
   * Each declared input with its feed. Unknown and missing inputs, and feeds of the wrong rank or
   * fixed size, are errors naming them.
   */
  #given(feeds: Record<string, Feed>): [TensorInfo, Feed][] {
    const known = new Set(this.inputs.map((i) => i.name));
    for (const k of Object.keys(feeds))
      if (!known.has(k) && !this.#inputTypes.has(k))
        throw new RnnkitError(
          `OnnxModel.run: unknown input '${k}'; the model's inputs are ${this.inputs.map((i) => `'${i.name}'`).join(', ')}`,
        );
    return this.inputs.map((inp) => {
      const f = feeds[inp.name];
      if (f === undefined)
        throw new RnnkitError(
          `OnnxModel.run: missing input '${inp.name}' ${inp.elemType} [${inp.shape.join(', ')}]`,
        );
      const [got, want] = [f.shape, inp.shape];
      if (got.length !== want.length || want.some((d, i) => typeof d === 'number' && d !== got[i]))
        throw new ShapeError(
          `OnnxModel.run: input '${inp.name}' must be [${want.join(', ')}], got [${got.join(', ')}]`,
        );
      return [inp, f];
    });
  }

  /**
   * Whether `f` is a tensor whose values must come to the host (an integer input) or move to the
   * model's backend (a float one on another backend). A float tensor already on the model's
   * backend is used as it is. A tensor of the wrong dtype is refused before any read.
   */
  #mustRead(inp: TensorInfo, f: Feed): f is Tensor {
    if (!isTensor(f)) return false;
    const float = inp.elemType === 'float32' || inp.elemType === 'float64';
    if (float && f.dtype !== 'float32')
      throw new RnnkitError(
        `OnnxModel.run: input '${inp.name}' is ${inp.elemType}; pass a float32 tensor`,
      );
    if (!float && f.dtype !== 'int32')
      throw new RnnkitError(
        `OnnxModel.run: input '${inp.name}' is ${inp.elemType}; pass an int32 tensor or integer values`,
      );
    return !(float && f.backend === this.backend);
  }

  /** The graph outputs from the values the steps left in `env`. */
  #results(env: Map<string, Val>): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const o of this.outputs) {
      const v = env.get(o.name);
      if (v === undefined)
        throw new RnnkitError(`OnnxModel.run: output '${o.name}' was not computed`);
      out[o.name] = isInt(v) ? tensor(Int32Array.from(v.data), v.shape, 'int32', this.backend) : v;
    }
    return out;
  }

  /** One input's value: `f` is host data, or a float tensor already on the model's backend. */
  #feed(inp: TensorInfo, f: Feed): Val {
    if (isTensor(f)) return f;
    const shape = [...f.shape];
    const { data } = f;
    if (inp.elemType === 'float32' || inp.elemType === 'float64')
      return tensor(Float32Array.from(data as ArrayLike<number>), shape, 'float32', this.backend);
    const nums =
      data instanceof BigInt64Array
        ? Array.from(data, Number)
        : Array.from(data as ArrayLike<number>);
    return intArray(nums, shape, inp.elemType === 'bool' ? 'bool' : 'int64');
  }

  // ---------------------------------------------------------------------------------------------

  #compile(n: NodeProto, constants: Map<string, TensorProto>): Step {
    // checkSupported has already refused other operators; hasOwn keeps 'toString' and the like
    // from reaching Object.prototype should that order ever change.
    if (!Object.hasOwn(IMPORT_OPS, n.op_type))
      throw new RnnkitError(
        `importOnnx: unsupported operator '${n.op_type}' (${n.op_type} node '${n.name || n.output[0]}')`,
      );
    return IMPORT_OPS[n.op_type as SupportedOp](opContext(n, this, this.opsetVersion, constants));
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
