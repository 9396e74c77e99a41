import '@rnnkit/backend-js';
import {
  linear,
  mul,
  Rng,
  reshape,
  slice,
  stack,
  sum,
  type Tensor,
  tensor,
  valueAndGrad,
} from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { softplus } from './log-space-scan.js';
import { makeLayer } from './models/make-layer.js';
import type { RecurrentLayer } from './recurrent.js';
import { CELL_NAMES, cellDef } from './registry.js';
import { LayerStepper } from './stepper.js';
import { prepare } from './steps.js';
import { seededValues } from './test-utils/seeded.js';

const CELLS = ['mingru', 'minlstm'] as const;
const I = 3;
const H = 5;
const B = 3;

function seeded(shape: number[], seed: number, scale: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Float32Array.from(seededValues(n, seed), (v) => v * scale),
    shape,
  );
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The layer one step at a time through LayerStepper (the sequential form), from state h0. */
function sequential(layer: RecurrentLayer, x: Tensor, h0: Tensor): number[][] {
  const [, T] = x.shape;
  const stepper = new LayerStepper(layer);
  stepper.reset({ h: h0 });
  const out: number[][] = [];
  for (let t = 0; t < T; t++) {
    const h = stepper.step(reshape(slice(x, [0, t, 0], [B, 1, I]), [B, I]));
    out.push(Array.from(h.dataSync()));
  }
  stepper.dispose();
  return out;
}

describe.each(CELLS)('%s', (cell) => {
  it('is registered: makeLayer and the apps’ --cell choices build it', () => {
    expect(CELL_NAMES).toContain(cell);
    const layer = makeLayer({ cell, inputSize: I, hiddenSize: H, rng: new Rng(1) });
    expect(layer.kind).toBe(cell);
    // gates read the input only: no recurrent weights, one bias
    const G = cell === 'mingru' ? 2 : 3;
    expect(layer.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['weightIhL0', [G * H, I]],
      ['biasIhL0', [G * H]],
    ]);
    expect(cellDef(cell).onnx).toBeNull();
  });

  // saturated and mixed gates (scale 4), a non-zero initial state, two layers; long enough that
  // the cumulative log-coefficients reach far below float32's exp range
  it.each([
    [40, 1],
    [40, 4],
    [300, 4],
  ])(
    'the parallel scan (forward) and the sequential steps agree within 1e-5: T %i, input scale %i',
    (T, scale) => {
      const layer = makeLayer({ cell, inputSize: I, hiddenSize: H, numLayers: 2, rng: new Rng(3) });
      const x = seeded([B, T, I], 7, scale);
      const h0 = seeded([2, B, H], 8, 0.9);
      const { output, state } = layer.forward(x, { h: h0 });
      const par = output.dataSync();
      expect(par.every(Number.isFinite)).toBe(true);
      const seq = sequential(layer, x, h0);
      for (let t = 0; t < T; t++) {
        const row = Array.from(
          { length: B * H },
          (_, k) => par[(Math.floor(k / H) * T + t) * H + (k % H)],
        );
        expect(maxAbs(row, seq[t])).toBeLessThan(1e-5);
      }
      const top = Array.from(state.h.dataSync()).slice(B * H);
      expect(maxAbs(top, seq[T - 1])).toBeLessThan(1e-5);
    },
  );

  // T 40 and 37 run the tree of pairs (37: an odd level fills its last pair), T 4 one block
  it.each([4, 37, 40])('its gradients equal those of the step-by-step form: T %i', (T) => {
    const layer = makeLayer({ cell, inputSize: I, hiddenSize: H, rng: new Rng(6) });
    const x = seeded([B, T, I], 11, 3);
    const h0 = seeded([1, B, H], 12, 0.5);
    const probe = seeded([B, T, H], 13, 1); // a fixed random direction, so every output counts
    const params = layer.parameters();
    const parallel = valueAndGrad(
      () => sum(mul(layer.forward(x, { h: h0 }).output, probe)),
      [...params, x, h0],
    );
    const cfg = layer.stepConfig;
    const w = layer.weights(0, 0);
    const stepwise = valueAndGrad(() => {
      const p = prepare(cfg, w);
      let s = { h: reshape(h0, [B, H]) };
      const hs: Tensor[] = [];
      for (let t = 0; t < T; t++) {
        const xt = reshape(slice(x, [0, t, 0], [B, 1, I]), [B, I]);
        s = cfg.cell.step(cfg, p, linear(xt, w.weightIh, w.biasIh), s);
        hs.push(s.h);
      }
      return sum(mul(stack(hs, 1), probe));
    }, [...params, x, h0]);
    expect(Math.abs(parallel.value.item() - stepwise.value.item())).toBeLessThan(1e-4);
    parallel.grads.forEach((g, i) => {
      const want = stepwise.grads[i].dataSync();
      const scale = Math.max(1, ...Array.from(want, Math.abs));
      expect(maxAbs(g.dataSync(), want) / scale).toBeLessThan(1e-5);
    });
  });

  it('matches its float64 reference step looped over time within 1e-5', () => {
    const T = 12;
    const layer = makeLayer({ cell, inputSize: I, hiddenSize: H, rng: new Rng(4) });
    const x = seeded([B, T, I], 9, 2);
    const h0 = seeded([1, B, H], 10, 0.5);
    const out = layer.forward(x, { h: h0 }).output.dataSync();
    const w = layer.weights(0, 0);
    const ref = {
      weightIh: Array.from(w.weightIh.dataSync()),
      biasIh: Array.from(w.biasIh!.dataSync()),
    };
    const xs = x.dataSync();
    const hs = h0.dataSync();
    for (let b = 0; b < B; b++) {
      let h = Array.from(hs.slice(b * H, (b + 1) * H));
      for (let t = 0; t < T; t++) {
        const xt = Array.from(xs.slice((b * T + t) * I, (b * T + t + 1) * I));
        h = cellDef(cell).reference({}, H, ref, xt, h).h;
        expect(maxAbs(out.slice((b * T + t) * H, (b * T + t + 1) * H), h)).toBeLessThan(1e-5);
      }
    }
  });
});

describe('softplus (the log-space gates)', () => {
  it('is finite for large arguments and its gradient is σ(x), ½ at 0', () => {
    const xs = [0, -3, 5, 100, -100, 1e-3];
    const x = tensor(Float32Array.from(xs), [xs.length]);
    const { value, grads } = valueAndGrad(() => sum(softplus(x)), [x]);
    const want = xs.map((v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
    expect(value.item()).toBeCloseTo(
      want.reduce((a, b) => a + b, 0),
      4,
    );
    expect(
      maxAbs(
        grads[0].dataSync(),
        xs.map((v) => 1 / (1 + Math.exp(-v))),
      ),
    ).toBeLessThan(1e-6);
  });
});
