import { DataType, GraphBuilder } from './builder.js';
import type { OnnxRecurrentLayer } from './onnx-recurrent-layer.js';
import { type AttrValue, FloatAttr, FloatsAttr } from './proto.js';
import { type Activation, activationTakes } from './recurrent-activations.js';

/**
 * An imported ONNX-semantics recurrent layer (`OnnxModel.onnxLayers[i]`) as a one-node ONNX model
 * with every attribute it was imported with: direction, activations with their alphas and betas,
 * clip, input_forget, linear_before_reset, and its current weights (fine-tuned ones included).
 *
 * Inputs `X` [sequence, batch, input] (time-major, layout 0), `sequence_lens` int32 [batch],
 * `initial_h` (and `initial_c` for LSTM) [D, batch, hidden]; outputs `Y` [sequence, D, batch,
 * hidden], `Y_h` (and `Y_c`). Weights are read with the asynchronous read.
 */
export async function exportOnnxRecurrent(layer: OnnxRecurrentLayer): Promise<Uint8Array> {
  const { op, inputSize: I, hiddenSize: H } = layer.spec;
  const D = layer.numDirections;
  const b = new GraphBuilder(`rnnkit_${op.toLowerCase()}`);
  const F = DataType.FLOAT;
  const weight = async (name: string, p: OnnxRecurrentLayer['W'] | null) =>
    p ? b.float(name, p.shape, Float32Array.from(await p.data())) : '';
  const X = b.input('X', F, ['sequence', 'batch', I]);
  const W = await weight('W', layer.W);
  const R = await weight('R', layer.R);
  const B = await weight('B', layer.B);
  const lens = b.input('sequence_lens', DataType.INT32, ['batch']);
  const h0 = b.input('initial_h', F, [D, 'batch', H]);
  const lstm = op === 'LSTM';
  const c0 = lstm ? b.input('initial_c', F, [D, 'batch', H]) : '';
  const P = lstm ? await weight('P', layer.P) : '';
  const outputs = lstm ? ['Y', 'Y_h', 'Y_c'] : ['Y', 'Y_h'];
  b.node(op, [X, W, R, B, lens, h0, c0, P], {
    name: op,
    outputs,
    attrs: nodeAttributes(layer),
  });
  b.output('Y', F, ['sequence', D, 'batch', H]);
  b.output('Y_h', F, [D, 'batch', H]);
  if (lstm) b.output('Y_c', F, [D, 'batch', H]);
  return b.encode();
}

/** The node's attributes: what the layer was imported with, written as ONNX spells it. */
function nodeAttributes(layer: OnnxRecurrentLayer): Record<string, AttrValue> {
  const s = layer.spec;
  const acts: Activation[] = s.activations.flat();
  const alphas: number[] = [];
  const betas: number[] = [];
  for (const a of acts) {
    const takes = activationTakes(a.name);
    if (takes.alpha) alphas.push(a.alpha);
    if (takes.beta) betas.push(a.beta);
  }
  const attrs: Record<string, AttrValue> = {
    hidden_size: s.hiddenSize,
    direction: s.direction,
    activations: acts.map((a) => a.name),
  };
  if (alphas.length) attrs.activation_alpha = new FloatsAttr(alphas);
  if (betas.length) attrs.activation_beta = new FloatsAttr(betas);
  if (s.clip !== undefined) attrs.clip = new FloatAttr(s.clip);
  if (s.op === 'LSTM' && s.inputForget) attrs.input_forget = 1;
  if (s.op === 'GRU' && s.linearBeforeReset) attrs.linear_before_reset = 1;
  return attrs;
}
