import { cellForOnnxOp, fromOnnxWeights, type RecurrentLayer } from '@rnnkit/cells';
import {
  type Backend,
  Rng,
  RnnkitError,
  reshape,
  ShapeError,
  type Tensor,
  transpose,
  zeros,
} from '@rnnkit/core';
import { toInts, toTensor, type Val } from './graph-values.js';
import { type NodeProto, readTensor, type TensorProto } from './proto.js';

/** One recurrent operator of the graph and the rnnkit layer that runs it. */
export interface RecurrentNodeInfo {
  node: string;
  op: 'RNN' | 'LSTM' | 'GRU';
  /** Index into `OnnxModel.layers`. */
  layer: number;
  inputSize: number;
  hiddenSize: number;
  direction: 'forward' | 'bidirectional';
  bias: boolean;
  /** RNN only. */
  nonlinearity?: 'tanh' | 'relu' | 'linear';
  /** LSTM only: ONNX input P present. */
  peephole?: boolean;
  /** GRU only: linear_before_reset = 1. */
  resetAfter?: boolean;
  /** layout attribute (0: time-major, 1: batch-major). */
  layout: 0 | 1;
}

/** Where a recurrent node's layer goes: the importing model's backend and layer lists. */
export interface RecurrentHost {
  readonly backend: Backend;
  readonly layers: RecurrentLayer[];
  readonly recurrent: RecurrentNodeInfo[];
}

/** One step of the compiled graph. */
export type Step = (env: Map<string, Val>) => void;

/**
 * Lowers an ONNX RNN, LSTM or GRU node (weights stored as initializers or Constant nodes) to an
 * rnnkit layer with the converted weights, appended to `model.layers`; the returned step runs it
 * with ONNX's layouts for X, Y and the states.
 */
export function compileRecurrent(
  model: RecurrentHost,
  n: NodeProto,
  attrs: Map<string, unknown>,
  constants: Map<string, TensorProto>,
  who: string,
  get: (env: Map<string, Val>, k: number) => Val | undefined,
  set: (env: Map<string, Val>, ...vals: (Val | undefined)[]) => void,
): Step {
  const op = n.op_type as 'RNN' | 'LSTM' | 'GRU';
  const cell = cellForOnnxOp(op);
  if (!cell?.onnx)
    throw new RnnkitError(`${who}: no registered rnnkit cell runs the ONNX operator '${op}'`);
  const G = cell.onnx.gateOrder.length;
  const hasC = cell.states.includes('c');
  const weight = (k: number, what: string): { shape: number[]; data: Float32Array } | null => {
    const name = n.input[k];
    if (!name) return null;
    const t = constants.get(name);
    if (!t)
      throw new RnnkitError(
        `${who}: its ${what} '${name}' is computed in the graph; rnnkit imports recurrent weights stored as initializers or Constant nodes`,
      );
    const v = readTensor(t);
    if (v.dtype !== 'float32') throw new RnnkitError(`${who}: ${what} must be float`);
    return { shape: v.shape, data: v.data };
  };
  const W = weight(1, 'W')!;
  const R = weight(2, 'R')!;
  const B = weight(3, 'B');
  const P = op === 'LSTM' ? weight(7, 'P') : null;
  if (!W || !R) throw new RnnkitError(`${who}: inputs W and R are required`);
  const direction = (attrs.get('direction') as string | undefined) ?? 'forward';
  if (direction !== 'forward' && direction !== 'bidirectional')
    throw new RnnkitError(
      `${who}: direction '${direction}' is not supported (rnnkit imports 'forward' and 'bidirectional')`,
    );
  const D = direction === 'bidirectional' ? 2 : 1;
  const H = (attrs.get('hidden_size') as number | undefined) ?? R.shape[2];
  if (W.shape.length !== 3 || W.shape[0] !== D || W.shape[1] !== G * H)
    throw new ShapeError(
      `${who}: W must be [${D}, ${G * H}, input_size] for direction '${direction}' and hidden_size ${H}, got [${W.shape.join(', ')}]`,
    );
  const I = W.shape[2];
  if (attrs.has('clip')) throw new RnnkitError(`${who}: attribute 'clip' is not supported`);
  if ((attrs.get('input_forget') as number | undefined) === 1)
    throw new RnnkitError(
      `${who}: input_forget = 1 (coupled input and forget gates) is not supported`,
    );
  const layout = ((attrs.get('layout') as number | undefined) ?? 0) as 0 | 1;
  // the settings the node's attributes ask for (RNN nonlinearity, LSTM peephole, GRU resetAfter)
  const settings = cell.onnx.settings(attrs, D, who, P !== null);
  const common = {
    inputSize: I,
    hiddenSize: H,
    bidirectional: D === 2,
    batchFirst: false,
    bias: B !== null,
    backend: model.backend,
    rng: new Rng(0),
  };
  const layer = cell.make({ ...common, ...settings });
  const shapes = cell.parameters({ inputSize: I, hiddenSize: H, bias: B !== null, settings });
  const dirs = fromOnnxWeights(
    cell,
    { W: W.data, R: R.data, B: B?.data ?? null, P: P?.data ?? null },
    D,
    H,
  );
  const state: Record<string, { shape: number[]; data: Float32Array }> = {};
  dirs.forEach((w, d) => {
    const s = `L0${d === 1 ? 'Reverse' : ''}`;
    for (const [name, data] of Object.entries(w))
      if (data) state[`${name}${s}`] = { shape: shapes[name], data };
  });
  layer.loadStateDict(state);
  const index = model.layers.length;
  model.layers.push(layer);
  model.recurrent.push({
    node: n.name || n.output[0],
    op,
    layer: index,
    inputSize: I,
    hiddenSize: H,
    direction: direction as 'forward' | 'bidirectional',
    bias: B !== null,
    ...settings,
    layout,
  });
  const be = model.backend;
  return (env) => {
    let X = toTensor(get(env, 0)!, be);
    if (layout === 1) X = transpose(X, [1, 0, 2]);
    const [T, Bn] = X.shape;
    const lens = get(env, 4);
    const toLayout = (s: Tensor | undefined) => (s && layout === 1 ? transpose(s, [1, 0, 2]) : s);
    const h0v = get(env, 5);
    const c0v = hasC ? get(env, 6) : undefined;
    let st: { h: Tensor; c?: Tensor } | undefined;
    if (h0v || c0v) {
      const z = () => zeros([D, Bn, H], 'float32', be);
      st = {
        h: toLayout(h0v ? toTensor(h0v, be) : undefined) ?? z(),
        c: hasC ? (toLayout(c0v ? toTensor(c0v, be) : undefined) ?? z()) : undefined,
      };
    }
    const r = layer.forward(X, st, lens ? { lengths: toInts(lens).data } : {});
    // rnnkit [T, B, D·H] → ONNX Y [T, D, B, H] (layout 1: [B, T, D, H])
    const y4 = reshape(r.output, [T, Bn, D, H]);
    const Y = transpose(y4, layout === 1 ? [1, 0, 2, 3] : [0, 2, 1, 3]);
    const back = (s: Tensor | undefined) => (s && layout === 1 ? transpose(s, [1, 0, 2]) : s);
    set(env, Y, back(r.state.h), back(r.state.c));
  };
}
