import { cellForOnnxOp, checkLengths, type RecurrentLayer } from '@rnnkit/cells';
import { type Backend, RnnkitError, ShapeError, type Tensor, transpose } from '@rnnkit/core';
import { toInts, toTensor, type Val } from './graph-values.js';
import { cellRunner, type Runner } from './import-recurrent-cell.js';
import { OnnxRecurrentLayer, type OnnxRecurrentSpec } from './onnx-recurrent-layer.js';
import { type NodeProto, readTensor, type TensorProto } from './proto.js';
import {
  type Activation,
  activationTakes,
  DEFAULT_ACTIVATIONS,
  parseActivations,
  sameActivations,
} from './recurrent-activations.js';

/** One recurrent operator of the graph and the layer that runs it. */
export interface RecurrentNodeInfo {
  node: string;
  op: 'RNN' | 'LSTM' | 'GRU';
  /**
   * 'cell': an rnnkit layer of the operator's cell runs it (`OnnxModel.layers`, fused kernels
   * where the backend has them). 'onnx': an `OnnxRecurrentLayer` computing ONNX's equations
   * (`OnnxModel.onnxLayers`), for what the cells do not express: direction reverse, activations
   * other than the cell's, clip, input_forget.
   */
  runsOn: 'cell' | 'onnx';
  /** Index into `OnnxModel.layers` (runsOn 'cell') or `OnnxModel.onnxLayers` (runsOn 'onnx'). */
  layer: number;
  inputSize: number;
  hiddenSize: number;
  direction: 'forward' | 'reverse' | 'bidirectional';
  bias: boolean;
  /** RNN on its cell only. */
  nonlinearity?: 'tanh' | 'relu' | 'linear';
  /** LSTM only: ONNX input P present. */
  peephole?: boolean;
  /** GRU only: linear_before_reset = 1. */
  resetAfter?: boolean;
  /** runsOn 'onnx' only: every direction's activations in order, with alpha and beta. */
  activations?: string[];
  /** runsOn 'onnx' only: the clip threshold. */
  clip?: number;
  /** runsOn 'onnx', LSTM only: input_forget = 1. */
  inputForget?: boolean;
  /** layout attribute (0: time-major, 1: batch-major). */
  layout: 0 | 1;
}

/** Where a recurrent node's layer goes: the importing model's backend and layer lists. */
export interface RecurrentHost {
  readonly backend: Backend;
  readonly layers: RecurrentLayer[];
  readonly onnxLayers: OnnxRecurrentLayer[];
  readonly recurrent: RecurrentNodeInfo[];
}
/** One step of the compiled graph. */
export type Step = (env: Map<string, Val>) => void;

/**
 * Lowers an ONNX RNN, LSTM or GRU node (weights stored as initializers or Constant nodes) to a
 * layer: an rnnkit layer of the operator's cell with the converted weights (appended to
 * `model.layers`) where the cell expresses the node, else an `OnnxRecurrentLayer` (appended to
 * `model.onnxLayers`). The returned step runs it with ONNX's layouts for X, Y and the states.
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
  const direction = ((attrs.get('direction') as string | undefined) ??
    'forward') as RecurrentNodeInfo['direction'];
  if (direction !== 'forward' && direction !== 'reverse' && direction !== 'bidirectional')
    throw new RnnkitError(
      `${who}: direction '${direction}' is not one of ONNX's (forward, reverse, bidirectional)`,
    );
  const D = direction === 'bidirectional' ? 2 : 1;
  const H = (attrs.get('hidden_size') as number | undefined) ?? R.shape[2];
  if (W.shape.length !== 3 || W.shape[0] !== D || W.shape[1] !== G * H)
    throw new ShapeError(
      `${who}: W must be [${D}, ${G * H}, input_size] for direction '${direction}' and hidden_size ${H}, got [${W.shape.join(', ')}]`,
    );
  const I = W.shape[2];
  const layout = ((attrs.get('layout') as number | undefined) ?? 0) as 0 | 1;
  const spec = onnxSpec(op, attrs, { inputSize: I, hiddenSize: H, direction, who });
  const base = {
    node: n.name || n.output[0],
    op,
    inputSize: I,
    hiddenSize: H,
    direction,
    bias: B !== null,
    layout,
  };
  let run: Runner;
  if (cellExpresses(spec)) {
    const r = cellRunner(model, cell, attrs, { D, H, I, who }, { W, R, B, P });
    run = r.run;
    model.recurrent.push({ ...base, runsOn: 'cell', layer: r.index, ...r.settings });
  } else {
    const layer = new OnnxRecurrentLayer(spec, { W, R, B, P }, model.backend);
    model.onnxLayers.push(layer);
    run = (X, lens, h0, c0) => layer.forward(X, h0, c0, lens);
    model.recurrent.push({
      ...base,
      runsOn: 'onnx',
      layer: model.onnxLayers.length - 1,
      activations: spec.activations.flat().map(describeActivation),
      ...(spec.clip !== undefined ? { clip: f32(spec.clip) } : {}),
      ...(op === 'LSTM' ? { peephole: P !== null, inputForget: spec.inputForget } : {}),
      ...(op === 'GRU' ? { resetAfter: spec.linearBeforeReset } : {}),
    });
  }
  const be = model.backend;
  return (env) => {
    let X = toTensor(get(env, 0)!, be);
    if (layout === 1) X = transpose(X, [1, 0, 2]);
    const lensVal = get(env, 4);
    const lens = lensVal ? toInts(lensVal).data : undefined;
    // checked here for both runners, so a node on a cell and one on an OnnxRecurrentLayer refuse
    // the same lengths with the same message
    if (lens) checkLengths(lens, X.shape[0], X.shape[1], `${who}: sequence_lens`);
    // ONNX's states are [D, B, H] (layout 1: [B, D, H])
    const toTimeMajor = (v: Val | undefined) => {
      if (!v) return undefined;
      const s = toTensor(v, be);
      return layout === 1 ? transpose(s, [1, 0, 2]) : s;
    };
    const r = run(X, lens, toTimeMajor(get(env, 5)), hasC ? toTimeMajor(get(env, 6)) : undefined);
    // Y [T, D, B, H] (layout 1: [B, T, D, H])
    const Y = layout === 1 ? transpose(r.Y, [2, 0, 1, 3]) : r.Y;
    const back = (s: Tensor | undefined) => (s && layout === 1 ? transpose(s, [1, 0, 2]) : s);
    set(env, Y, back(r.h), back(r.c));
  };
}

/** The node's attributes, parsed and checked; throws naming the node and the attribute. */
function onnxSpec(
  op: 'RNN' | 'LSTM' | 'GRU',
  attrs: Map<string, unknown>,
  o: {
    inputSize: number;
    hiddenSize: number;
    direction: OnnxRecurrentSpec['direction'];
    who: string;
  },
): OnnxRecurrentSpec {
  const D = o.direction === 'bidirectional' ? 2 : 1;
  const clip = attrs.get('clip') as number | undefined;
  if (clip !== undefined && !(clip > 0))
    throw new RnnkitError(`${o.who}: clip must be a positive threshold, got ${clip}`);
  const flag = (k: string) => {
    const v = (attrs.get(k) as number | undefined) ?? 0;
    if (v !== 0 && v !== 1) throw new RnnkitError(`${o.who}: ${k} must be 0 or 1, got ${v}`);
    return v === 1;
  };
  return {
    op,
    inputSize: o.inputSize,
    hiddenSize: o.hiddenSize,
    direction: o.direction,
    activations: parseActivations(attrs, op, D, o.who),
    clip,
    inputForget: op === 'LSTM' && flag('input_forget'),
    linearBeforeReset: op === 'GRU' && flag('linear_before_reset'),
  };
}

/**
 * Whether rnnkit's own cell runs the node: forward or bidirectional, no clip, no input_forget, and
 * the operator's default activations (RNN: Tanh, Relu or Affine with alpha 1 and beta 0, the same
 * in both directions). Those layers use the backends' fused kernels and export back as they came.
 */
function cellExpresses(spec: OnnxRecurrentSpec): boolean {
  if (spec.direction === 'reverse' || spec.clip !== undefined || spec.inputForget) return false;
  const [first, ...rest] = spec.activations;
  if (!rest.every((a) => sameActivations(a, first))) return false;
  if (spec.op !== 'RNN') return first.every((a, k) => a.name === DEFAULT_ACTIVATIONS[spec.op][k]);
  const [a] = first;
  return (
    a.name === 'Tanh' || a.name === 'Relu' || (a.name === 'Affine' && a.alpha === 1 && a.beta === 0)
  );
}

/** 'LeakyRelu(0.2)': the name with the parameters it takes, float32 attributes shown as written. */
function describeActivation(a: Activation): string {
  const takes = activationTakes(a.name);
  const params = [...(takes.alpha ? [a.alpha] : []), ...(takes.beta ? [a.beta] : [])];
  return params.length ? `${a.name}(${params.map(f32).join(', ')})` : a.name;
}

/** A float32 attribute as it was written (0.2, not 0.20000000298023224). */
const f32 = (v: number) => Number(v.toPrecision(7));
