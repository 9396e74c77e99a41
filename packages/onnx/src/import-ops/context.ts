import { type Backend, RnnkitError, type Tensor } from '@rnnkit/core';
import { isInt, toInts, toTensor, type Val } from '../graph-values.js';
import { hostBinary } from '../host.js';
import type { RecurrentHost, Step } from '../import-recurrent.js';
import { attributeValue, type NodeProto, type TensorProto } from '../proto.js';
import type { SupportedOp } from '../supported-ops.js';

/** What an operator handler sees of one node and the model it is compiled into. */
export interface OpContext {
  readonly n: NodeProto;
  readonly attrs: Map<string, unknown>;
  /** The node as error messages name it: `Op node 'name'`. */
  readonly who: string;
  readonly be: Backend;
  readonly opsetVersion: number;
  readonly model: RecurrentHost;
  /** Initializers and Constant node values, known at import. */
  readonly constants: Map<string, TensorProto>;
  /** Input k's value, or undefined when the node leaves input k out. */
  get(env: Map<string, Val>, k: number): Val | undefined;
  /** Input k as a float tensor. */
  f(env: Map<string, Val>, k: number): Tensor;
  /** Input k as host integers, or undefined when left out. */
  ints(env: Map<string, Val>, k: number): number[] | undefined;
  /** Stores the node's outputs in order; an unnamed output or an undefined value is skipped. */
  set(env: Map<string, Val>, ...vals: (Val | undefined)[]): void;
  /** A numeric attribute, or `d` when absent. */
  num(k: string, d: number): number;
  /** Axes from input 1 (opset 13+) or the `axes` attribute (older opsets). */
  axesOf(env: Map<string, Val>): number[] | undefined;
  unary(fn: (x: Tensor) => Tensor): Step;
  /** Float operands run on the backend; two integer operands are computed on the host. */
  binary(fn: (a: Tensor, b: Tensor) => Tensor, hostFn: (a: number, b: number) => number): Step;
}

/** Lowers one node to a step that reads its inputs from, and writes its outputs to, `env`. */
export type OpHandler = (c: OpContext) => Step;

/**
 * One operator family's entries of the import table. `satisfies OpFamily` on each family rejects
 * a key that is not in SUPPORTED_OPS; the table's full Record type rejects a missing one.
 */
export type OpFamily = Partial<Record<SupportedOp, OpHandler>>;

export function opContext(
  n: NodeProto,
  model: RecurrentHost,
  opsetVersion: number,
  constants: Map<string, TensorProto>,
): OpContext {
  const be = model.backend;
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
  return {
    n,
    attrs,
    who,
    be,
    opsetVersion,
    model,
    constants,
    get,
    f,
    ints,
    set,
    num,
    axesOf,
    unary,
    binary,
  };
}
