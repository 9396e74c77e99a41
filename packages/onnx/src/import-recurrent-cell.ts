import { type CellDef, type CellSettings, fromOnnxWeights } from '@rnnkit/cells';
import { Rng, reshape, type Tensor, transpose, zeros } from '@rnnkit/core';
import type { RecurrentHost } from './import-recurrent.js';

/** Runs one node on time-major X [T, B, I]: Y [T, D, B, H] and the final states [D, B, H]. */
export type Runner = (
  X: Tensor,
  lengths: number[] | undefined,
  h0: Tensor | undefined,
  c0: Tensor | undefined,
) => { Y: Tensor; h: Tensor; c?: Tensor };

type HostWeight = { shape: number[]; data: Float32Array };

/** The node as an rnnkit layer of its cell (weights converted by `fromOnnxWeights`). */
export function cellRunner(
  model: RecurrentHost,
  cell: CellDef,
  attrs: Map<string, unknown>,
  o: { D: number; H: number; I: number; who: string },
  w: { W: HostWeight; R: HostWeight; B: HostWeight | null; P: HostWeight | null },
): { run: Runner; index: number; settings: CellSettings } {
  const { D, H, I } = o;
  // the settings the node's attributes ask for (RNN nonlinearity, LSTM peephole, GRU resetAfter)
  const settings = cell.onnx!.settings(attrs, D, o.who, w.P !== null);
  const common = {
    inputSize: I,
    hiddenSize: H,
    bidirectional: D === 2,
    batchFirst: false,
    bias: w.B !== null,
    backend: model.backend,
    rng: new Rng(0),
  };
  const layer = cell.make({ ...common, ...settings });
  const shapes = cell.parameters({ inputSize: I, hiddenSize: H, bias: w.B !== null, settings });
  const dirs = fromOnnxWeights(
    cell,
    { W: w.W.data, R: w.R.data, B: w.B?.data ?? null, P: w.P?.data ?? null },
    D,
    H,
  );
  const state: Record<string, { shape: number[]; data: Float32Array }> = {};
  dirs.forEach((wd, d) => {
    const s = `L0${d === 1 ? 'Reverse' : ''}`;
    for (const [name, data] of Object.entries(wd))
      if (data) state[`${name}${s}`] = { shape: shapes[name], data };
  });
  layer.loadStateDict(state);
  const index = model.layers.length;
  model.layers.push(layer);
  const hasC = cell.states.includes('c');
  const run: Runner = (X, lens, h0, c0) => {
    const [T, Bn] = X.shape;
    let st: { h: Tensor; c?: Tensor } | undefined;
    if (h0 || c0) {
      const z = () => zeros([D, Bn, H], 'float32', model.backend);
      st = { h: h0 ?? z(), c: hasC ? (c0 ?? z()) : undefined };
    }
    const r = layer.forward(X, st, lens ? { lengths: lens } : {});
    // rnnkit [T, B, D·H] → ONNX Y [T, D, B, H]
    const Y = transpose(reshape(r.output, [T, Bn, D, H]), [0, 2, 1, 3]);
    return { Y, h: r.state.h, c: r.state.c };
  };
  return { run, index, settings };
}
