import {
  cellForOnnxOp,
  fromOnnxWeights,
  fromTorchName,
  GRU,
  LSTM,
  type OnnxWeights,
  type RecurrentLayer,
  RNN,
} from '@rnnkit/cells';
import {
  add,
  type Backend,
  compile,
  dispose,
  keep,
  mul,
  reshape,
  sum,
  type Tensor,
  tensor,
  transpose,
  valueAndGrad,
} from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { readFixtureFile } from '#fixture-file';
import type { Ctx } from './context.js';

/**
 * The @rnnkit/cells reference fixtures (packages/cells/fixtures, made by PyTorch and ONNX
 * Runtime; see make_torch_fixtures.py and make_ort_fixtures.py there) replayed on the backend
 * under test: layers built on it with the fixture's weights reproduce the outputs, final states
 * and (PyTorch cases) every gradient within `tol` (1e-5 by default), fused and composed.
 */

const TORCH_CASES = [
  'rnn_tanh',
  'rnn_relu',
  'lstm',
  'gru',
  'rnn_tanh_1l',
  'lstm_1l',
  'gru_1l',
  'lstm_2l_nobias',
  'lstm_packed',
];
const ORT_CASES = [
  'ort_lstm_peephole_forward',
  'ort_lstm_peephole_bidirectional',
  'ort_gru_linear_before_reset_0_forward',
  'ort_gru_linear_before_reset_0_bidirectional',
  'ort_gru_linear_before_reset_1_forward',
  'ort_gru_linear_before_reset_1_bidirectional',
  'ort_rnn_tanh_forward',
  'ort_rnn_tanh_bidirectional',
];

interface Fixture {
  config: Record<string, unknown>;
  tensors: Record<string, { shape: number[]; data: number[] }>;
}

/**
 * The fixtures' JSON files, which the build copies from packages/cells/fixtures into this
 * package's dist/fixtures, so the published suite carries them (the cells package ships none).
 * `#fixture-file` reads them with node:fs in Node and with fetch in a browser.
 */
const cache = new Map<string, Promise<Fixture>>();
function loadFixture(name: string): Promise<Fixture> {
  let fx = cache.get(name);
  if (!fx) {
    fx = readFixtureFile(name) as Promise<Fixture>;
    cache.set(name, fx);
  }
  return fx;
}

/** max |a − b| / (1 + |b|) over all elements. */
function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

async function torchCase(
  be: Backend,
  name: string,
  fused: boolean,
  TOL: number,
  compiled: boolean,
): Promise<void> {
  const fx = await loadFixture(name);
  const cfg = fx.config;
  const t = (k: string): Tensor =>
    tensor(Float32Array.from(fx.tensors[k].data), fx.tensors[k].shape, 'float32', be);
  const o = {
    inputSize: cfg.input_size as number,
    hiddenSize: cfg.hidden_size as number,
    numLayers: cfg.num_layers as number,
    bidirectional: cfg.bidirectional as boolean,
    bias: cfg.bias as boolean,
    batchFirst: true,
    fused,
    backend: be,
  };
  const mode = cfg.mode as string;
  const layer: RecurrentLayer =
    mode === 'LSTM'
      ? new LSTM(o)
      : mode === 'GRU'
        ? new GRU(o)
        : new RNN({ ...o, nonlinearity: mode === 'RNN_RELU' ? 'relu' : 'tanh' });
  const params = Object.keys(fx.tensors).filter((k) => /^(weight|bias)_/.test(k));
  layer.loadStateDict(Object.fromEntries(params.map((k) => [fromTorchName(k), t(k)])));
  const isLstm = mode === 'LSTM';
  const x = t('x');
  const h0 = t('h0');
  const c0 = isLstm ? t('c0') : undefined;
  const [wy, wh, wc] = [t('wy'), t('wh'), isLstm ? t('wc') : undefined];
  const named = layer.namedParameters();
  for (const [, p] of named) expect(p.backend).toBe(be);
  const wrt = [x, h0, ...(c0 ? [c0] : []), ...named.map(([, p]) => p)];
  let out: { y: Tensor; hn: Tensor; cn?: Tensor } | undefined;
  // forward and backward as written, or traced by compile() into one graph (compiling backends)
  const run = () =>
    valueAndGrad(() => {
      const r = layer.forward(
        x,
        { h: h0, c: c0 },
        { lengths: cfg.lengths as number[] | undefined },
      );
      out = { y: keep(r.output), hn: keep(r.state.h), cn: r.state.c && keep(r.state.c) };
      let loss = add(sum(mul(r.output, wy)), sum(mul(r.state.h, wh)));
      if (r.state.c && wc) loss = add(loss, sum(mul(r.state.c, wc)));
      return loss;
    }, wrt);
  const { value, grads } = compiled ? compile(run)() : run();
  const check = async (got: Tensor, ref: string) => {
    expect(got.shape, ref).toEqual(fx.tensors[ref].shape);
    expect(maxRelErr(await got.data(), fx.tensors[ref].data), ref).toBeLessThan(TOL);
  };
  await check(out!.y, 'y');
  await check(out!.hn, 'hn');
  if (isLstm) await check(out!.cn!, 'cn');
  const loss = fx.tensors.loss.data[0];
  const got = (await value.data())[0];
  expect(Math.abs(got - loss) / (1 + Math.abs(loss))).toBeLessThan(TOL);
  await check(grads[0], 'grad.x');
  await check(grads[1], 'grad.h0');
  if (c0) await check(grads[2], 'grad.c0');
  const off = c0 ? 3 : 2;
  expect(named.length).toBe(params.length);
  for (const [i, [n]] of named.entries()) {
    const torchName = params.find((p) => fromTorchName(p) === n)!;
    await check(grads[off + i], `grad.${torchName}`);
  }
  dispose([out, value, grads, x, h0, c0, wy, wh, wc, layer.parameters()]);
}

async function ortCase(
  be: Backend,
  name: string,
  fused: boolean,
  TOL: number,
  compiled: boolean,
): Promise<void> {
  const fx = await loadFixture(name);
  const c = fx.config;
  const f32 = (k: string) => Float32Array.from(fx.tensors[k].data);
  const t = (k: string): Tensor => tensor(f32(k), fx.tensors[k].shape, 'float32', be);
  const o = {
    inputSize: c.input_size as number,
    hiddenSize: c.hidden_size as number,
    bidirectional: c.num_directions === 2,
    batchFirst: false, // ONNX layout=0 is time-major
    fused,
    backend: be,
  };
  // the registered cell that runs the fixture's ONNX operator, with the settings its attributes ask for
  const cell = cellForOnnxOp(c.op as string);
  if (!cell?.onnx) throw new Error(`${name}: no registered cell runs ONNX ${String(c.op)}`);
  const attrs = new Map<string, unknown>();
  if (c.linear_before_reset !== undefined) attrs.set('linear_before_reset', c.linear_before_reset);
  const settings = cell.onnx.settings(attrs, c.num_directions as number, name, !!fx.tensors.P);
  const layer: RecurrentLayer = cell.make({ ...o, ...settings });
  const hasC = cell.states.includes('c');
  const D = c.num_directions as number;
  const H = c.hidden_size as number;
  const w: OnnxWeights = {
    W: f32('W'),
    R: f32('R'),
    B: fx.tensors.B ? f32('B') : null,
    P: fx.tensors.P ? f32('P') : null,
  };
  const state: Record<string, { shape: number[]; data: Float32Array }> = {};
  fromOnnxWeights(cell, w, D, H).forEach((dw, d) => {
    const s = `L0${d === 1 ? 'Reverse' : ''}`;
    const ref = layer.weights(0, d);
    state[`weightIh${s}`] = { shape: [...ref.weightIh.shape], data: dw.weightIh };
    state[`weightHh${s}`] = { shape: [...ref.weightHh!.shape], data: dw.weightHh! };
    state[`biasIh${s}`] = { shape: [...ref.biasIh!.shape], data: dw.biasIh! };
    state[`biasHh${s}`] = { shape: [...ref.biasHh!.shape], data: dw.biasHh! };
    if (dw.peephole) state[`peephole${s}`] = { shape: [3, H], data: dw.peephole };
  });
  layer.loadStateDict(state);
  const inputs = [t('X'), t('initial_h'), ...(hasC ? [t('initial_c')] : [])];
  const run = () => {
    const r = layer.forward(inputs[0], { h: inputs[1], c: inputs[2] });
    const [T, B] = r.output.shape;
    return { r, y: transpose(reshape(r.output, [T, B, D, H]), [0, 2, 1, 3]) };
  };
  const { r, y } = compiled ? compile(run)() : run();
  expect(y.shape).toEqual(fx.tensors.Y.shape);
  expect(maxRelErr(await y.data(), fx.tensors.Y.data), 'Y').toBeLessThan(TOL);
  expect(maxRelErr(await r.state.h.data(), fx.tensors.Y_h.data), 'Y_h').toBeLessThan(TOL);
  if (hasC) {
    expect(maxRelErr(await r.state.c!.data(), fx.tensors.Y_c.data), 'Y_c').toBeLessThan(TOL);
  }
  dispose([inputs, y, r, layer.parameters()]);
}

/**
 * Each fixture runs eagerly and through `compile` (a compiling backend traces the forward and
 * backward into one graph with the time loop as a loop operator; eager backends run it as is).
 */
export function cellFixtureTests(ctx: Ctx): void {
  describe.each([
    [true, false],
    [false, false],
    [true, true],
  ])('cells fixtures (fused kernels: %s, compiled: %s)', (fused, compiled) => {
    it.each(TORCH_CASES)('PyTorch %s: outputs, states and every gradient within tol', (c) =>
      torchCase(ctx.be(), c, fused, ctx.tol, compiled),
    );
    it.each(ORT_CASES)('ONNX Runtime %s: Y, Y_h (and Y_c) within tol', (c) =>
      ortCase(ctx.be(), c, fused, ctx.tol, compiled),
    );
  });
}
