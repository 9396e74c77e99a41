import '@rnnkit/backend-js';
import { add, keep, mul, sum, type Tensor, tensor, valueAndGrad } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import type { RecurrentLayer } from './recurrent.js';
import { RNN } from './rnn.js';
import { loadFixture, maxRelErr } from './test-utils/fixtures.js';
import { fromTorchName } from './torch-names.js';

const CASES = [
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
const TOL = 1e-5;

function build(cfg: Record<string, unknown>, fused: boolean): RecurrentLayer {
  const o = {
    inputSize: cfg.input_size as number,
    hiddenSize: cfg.hidden_size as number,
    numLayers: cfg.num_layers as number,
    bidirectional: cfg.bidirectional as boolean,
    bias: cfg.bias as boolean,
    batchFirst: true,
    fused,
  };
  const mode = cfg.mode as string;
  if (mode === 'LSTM') return new LSTM(o);
  if (mode === 'GRU') return new GRU(o);
  return new RNN({ ...o, nonlinearity: mode === 'RNN_RELU' ? 'relu' : 'tanh' });
}

describe.each([true, false])('PyTorch fixtures (fused kernels: %s)', (fused) => {
  it.each(CASES)('%s: outputs, final states and every gradient match torch within 1e-5', (name) => {
    const fx = loadFixture(name);
    const t = (k: string): Tensor =>
      tensor(Float32Array.from(fx.tensors[k].data), fx.tensors[k].shape);
    const layer = build(fx.config, fused);
    const params = Object.keys(fx.tensors).filter((k) => /^(weight|bias)_/.test(k));
    layer.loadStateDict(Object.fromEntries(params.map((k) => [fromTorchName(k), t(k)])));
    const isLstm = fx.config.mode === 'LSTM';
    const x = t('x');
    const h0 = t('h0');
    const c0 = isLstm ? t('c0') : undefined;
    const lengths = fx.config.lengths as number[] | undefined;
    const named = layer.namedParameters();
    const wrt = [x, h0, ...(c0 ? [c0] : []), ...named.map(([, p]) => p)];
    let out: { y: Tensor; hn: Tensor; cn?: Tensor } | undefined;
    const { value, grads } = valueAndGrad(() => {
      const r = layer.forward(x, { h: h0, c: c0 }, { lengths });
      out = { y: keep(r.output), hn: keep(r.state.h), cn: r.state.c && keep(r.state.c) };
      let loss = add(sum(mul(r.output, t('wy'))), sum(mul(r.state.h, t('wh'))));
      if (r.state.c) loss = add(loss, sum(mul(r.state.c, t('wc'))));
      return loss;
    }, wrt);
    const check = (got: Tensor, ref: string) => {
      expect(got.shape, ref).toEqual(fx.tensors[ref].shape);
      expect(maxRelErr(got.dataSync(), fx.tensors[ref].data), ref).toBeLessThan(TOL);
    };
    check(out!.y, 'y');
    check(out!.hn, 'hn');
    if (isLstm) check(out!.cn!, 'cn');
    expect(
      Math.abs(value.item() - fx.tensors.loss.data[0]) / (1 + Math.abs(fx.tensors.loss.data[0])),
    ).toBeLessThan(TOL);
    check(grads[0], 'grad.x');
    check(grads[1], 'grad.h0');
    if (c0) check(grads[2], 'grad.c0');
    const off = c0 ? 3 : 2;
    expect(named.length).toBe(params.length);
    named.forEach(([n], i) => {
      const torchName = params.find((p) => fromTorchName(p) === n)!;
      check(grads[off + i], `grad.${torchName}`);
    });
  });
});
