import '@rnnkit/backend-js';
import { mul, type Parameter, Rng, sum, tensor, valueAndGrad } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { importOnnx } from './import.js';
import { loadBytes } from './test-utils/fixtures.js';
import { NODE_CASES } from './test-utils/onnx-node-cases.js';

/**
 * An imported OnnxRecurrentLayer can be fine-tuned: the gradient of a loss through its scan
 * reaches W, R, B and P and matches central finite differences. Cases with smooth activations
 * (clip and the piecewise activations have kinks where differences mislead).
 */

const CASES = [
  'rnnkit_lstm_input_forget',
  'rnnkit_gru_reverse_linear_before_reset',
  'rnnkit_rnn_act_softplus',
];

describe('OnnxRecurrentLayer gradients', () => {
  it.each(CASES)('%s: dLoss/dW, dR, dB (dP) match finite differences', async (name) => {
    const c = NODE_CASES[name];
    const model = importOnnx(loadBytes(`onnx-node/${c.model}`));
    const layer = model.onnxLayers[0];
    expect(layer).toBeDefined();
    const t = (k: string) =>
      c.inputs[k] ? tensor(Float32Array.from(c.inputs[k].data), c.inputs[k].shape) : undefined;
    const lens = c.inputs.sequence_lens?.data;
    const x = t('X')!;
    const probe = tensor(
      new Rng(3).uniformArray(
        x.shape[0] * layer.numDirections * x.shape[1] * layer.spec.hiddenSize,
        -1,
        1,
      ),
      [x.shape[0], layer.numDirections, x.shape[1], layer.spec.hiddenSize],
    );
    const loss = () => sum(mul(layer.forward(x, t('initial_h'), t('initial_c'), lens).Y, probe));
    const params = [layer.W, layer.R, layer.B, layer.P].filter((p): p is Parameter => p !== null);
    const { grads } = valueAndGrad(loss, params);
    const eps = 1e-2;
    for (const [k, p] of params.entries()) {
      const g = await grads[k].data();
      const base = Float32Array.from(await p.data());
      // a few entries of each parameter, spread over it
      for (const i of [0, Math.floor(base.length / 3), base.length - 1]) {
        const at = async (v: number): Promise<number> => {
          const d = Float32Array.from(base);
          d[i] = v;
          p.assign(tensor(d, p.shape));
          return (await loss().data())[0];
        };
        const up = await at(base[i] + eps);
        const down = await at(base[i] - eps);
        p.assign(tensor(base, p.shape));
        const fd = (up - down) / (2 * eps);
        expect(Math.abs(g[i] - fd), `${name} param ${k} [${i}]: ${g[i]} vs ${fd}`).toBeLessThan(
          2e-3 + 1e-2 * Math.abs(fd),
        );
      }
    }
  });
});
