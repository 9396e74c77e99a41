import '@rnnkit/backend-js';
import { add, keep, mul, sum, type Tensor, tensor, valueAndGrad } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import type { LayerState, RecurrentLayer } from './recurrent.js';
import { buildLayer, seeded, VARIANTS } from './test-utils/build.js';
import { seededValues } from './test-utils/seeded.js';

/**
 * Variable-length batches: with `lengths`, (a) each sequence gives exactly what it gives run alone
 * without padding, and padded steps output 0; (b) the values at padded steps reach nothing —
 * neither valid outputs, nor final states, nor any gradient.
 */

const B = 4;
const T = 6;
const I = 3;
const H = 5;
const LENGTHS = [6, 2, 4, 1];
const TOL = 1e-6;

const layouts = [
  { name: 'forward, 2 layers', bidirectional: false },
  { name: 'bidirectional, 2 layers', bidirectional: true },
];
const grid = VARIANTS.flatMap((v) =>
  layouts.flatMap((l) =>
    (v.kind === 'rnn' ? [true] : [true, false]).map((fused) => ({
      v,
      l,
      fused,
      label: `${v.name}, ${l.name}${v.kind === 'rnn' ? '' : `, fused ${fused}`}`,
    })),
  ),
);

function setup(c: (typeof grid)[number]) {
  const layer = buildLayer(
    c.v,
    { inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: c.l.bidirectional, fused: c.fused },
    3,
  );
  const S = 2 * (c.l.bidirectional ? 2 : 1);
  const h0 = seeded([S, B, H], 31, 0.5);
  const c0 = c.v.kind === 'lstm' ? seeded([S, B, H], 32, 0.5) : undefined;
  return { layer, S, h0, c0 };
}

/** x [B, T, I] with valid steps from `valid` and padded steps from `pad`. */
function padded(valid: number[], pad: number[]): Float32Array {
  const x = new Float32Array(B * T * I);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let i = 0; i < I; i++) {
        const k = (b * T + t) * I + i;
        x[k] = t < LENGTHS[b] ? valid[k] : pad[k];
      }
  return x;
}

/** Rows [:, b, :] of a [S, B, H] state, as a [S, 1, H] tensor. */
function stateOf(s: Tensor, b: number): Tensor {
  const S = s.shape[0];
  const d = s.dataSync();
  const out = new Float32Array(S * H);
  for (let k = 0; k < S; k++) out.set(d.subarray((k * B + b) * H, (k * B + b + 1) * H), k * H);
  return tensor(out, [S, 1, H]);
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = TOL) {
  expect(got.length, what).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst, what).toBeLessThanOrEqual(tol);
}

/** Runs forward + backward of L = Σ output⊙wy + Σ h_n⊙wh (+ Σ c_n⊙wc). */
function run(layer: RecurrentLayer, x: Tensor, s0: LayerState, lengths?: number[]) {
  const wrt = [x, s0.h, ...(s0.c ? [s0.c] : []), ...layer.parameters()];
  let out: { y: Tensor; h: Tensor; c?: Tensor } | undefined;
  const { grads } = valueAndGrad(() => {
    const r = layer.forward(x, s0, { lengths });
    out = { y: keep(r.output), h: keep(r.state.h), c: r.state.c && keep(r.state.c) };
    const w = (t: Tensor, seed: number) => seeded([...t.shape], seed);
    let loss = add(sum(mul(r.output, w(r.output, 41))), sum(mul(r.state.h, w(r.state.h, 42))));
    if (r.state.c) loss = add(loss, sum(mul(r.state.c, w(r.state.c, 43))));
    return loss;
  }, wrt);
  return { ...out!, grads };
}

describe('lengths: each sequence equals running it alone', () => {
  it.each(grid)('$label', (c) => {
    const { layer, h0, c0 } = setup(c);
    const xv = seededValues(B * T * I, 33);
    const x = tensor(padded(xv, seededValues(B * T * I, 34)), [B, T, I]);
    const r = layer.forward(x, { h: h0, c: c0 }, { lengths: LENGTHS });
    const DH = r.output.shape[2];
    const y = r.output.dataSync();
    for (let b = 0; b < B; b++) {
      const n = LENGTHS[b];
      const xb = tensor(Float32Array.from(xv.slice(b * T * I, (b * T + n) * I)), [1, n, I]);
      const alone = layer.forward(xb, { h: stateOf(h0, b), c: c0 && stateOf(c0, b) });
      const mine = y.slice(b * T * DH, (b * T + n) * DH);
      expectClose(mine, alone.output.dataSync(), `sequence ${b} outputs`);
      expectClose(stateOf(r.state.h, b).dataSync(), alone.state.h.dataSync(), `sequence ${b} h_n`);
      if (c0)
        expectClose(
          stateOf(r.state.c!, b).dataSync(),
          alone.state.c!.dataSync(),
          `sequence ${b} c_n`,
        );
      // padded steps output exactly 0
      const pad = y.slice((b * T + n) * DH, (b + 1) * T * DH);
      expect(
        pad.every((v) => v === 0),
        `sequence ${b} padded outputs`,
      ).toBe(true);
    }
  });
});

describe('lengths: padded values leak into nothing', () => {
  it.each(grid)('$label', (c) => {
    const { layer, h0, c0 } = setup(c);
    const xv = seededValues(B * T * I, 35);
    const padA = seededValues(B * T * I, 36);
    const a = run(layer, tensor(padded(xv, padA), [B, T, I]), { h: h0, c: c0 }, LENGTHS);
    const names = ['x', 'h0', ...(c0 ? ['c0'] : []), ...layer.namedParameters().map(([n]) => n)];
    const others = {
      'large values': seededValues(B * T * I, 37).map((v) => 1e4 * v),
      'NaN and ±Infinity': seededValues(B * T * I, 38).map((v) =>
        v < -0.3 ? Number.NaN : v < 0.3 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY,
      ),
    };
    for (const [what, padB] of Object.entries(others)) {
      const b = run(layer, tensor(padded(xv, padB), [B, T, I]), { h: h0, c: c0 }, LENGTHS);
      expectClose(b.y.dataSync(), a.y.dataSync(), `outputs (padding: ${what})`, 0);
      expectClose(b.h.dataSync(), a.h.dataSync(), `h_n (padding: ${what})`, 0);
      if (a.c) expectClose(b.c!.dataSync(), a.c.dataSync(), `c_n (padding: ${what})`, 0);
      a.grads.forEach((g, i) => {
        const what2 = `gradient of ${names[i]} (padding: ${what})`;
        expectClose(b.grads[i].dataSync(), g.dataSync(), what2, 0);
      });
    }
    // the input gradient is exactly 0 at padded steps
    const gx = a.grads[0].dataSync();
    for (let bb = 0; bb < B; bb++)
      for (let t = LENGTHS[bb]; t < T; t++)
        for (let i = 0; i < I; i++) expect(gx[(bb * T + t) * I + i]).toBe(0);
    // and without lengths the same padding does change the result (the check has teeth)
    const fa = run(layer, tensor(padded(xv, padA), [B, T, I]), { h: h0, c: c0 });
    const fb = run(layer, tensor(padded(xv, others['large values']), [B, T, I]), { h: h0, c: c0 });
    expect(Array.from(fa.h.dataSync())).not.toEqual(Array.from(fb.h.dataSync()));
  });
});
