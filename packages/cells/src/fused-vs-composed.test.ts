import '@rnnkit/backend-js';
import { add, getBackend, keep, mul, sum, type Tensor, valueAndGrad } from '@rnnkit/core';
import { describe, expect, it, vi } from 'vitest';
import { GRUCell, LSTMCell } from './cells.js';
import type { RecurrentLayer } from './recurrent.js';
import { buildLayer, seeded, type Variant } from './test-utils/build.js';

/**
 * The JS backend's fused LSTM and GRU step kernels (forward and backward) against the composed
 * path (core's small kernels), which stays the reference: outputs, final states and every
 * gradient agree within 1e-6 on random inputs, for layers and for single-step cells.
 */

const TOL = 1e-6;
const B = 4;
const T = 7;
const I = 5;
const H = 6;

const FUSED_VARIANTS: Variant[] = [
  { name: 'LSTM', kind: 'lstm' },
  { name: 'LSTM peephole', kind: 'lstm', peephole: true },
  { name: 'GRU resetAfter', kind: 'gru', resetAfter: true },
  { name: 'GRU resetBefore', kind: 'gru', resetAfter: false },
];

it('the JS backend provides the fused kernels, so the fused path is really taken', () => {
  const be = getBackend();
  expect(typeof be.lstmCell).toBe('function');
  expect(typeof be.lstmCellBackward).toBe('function');
  expect(typeof be.gruCell).toBe('function');
  expect(typeof be.gruCellBackward).toBe('function');
});

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe.each(FUSED_VARIANTS)('fused vs composed: $name layer', (v) => {
  it.each([
    { name: '1 layer', numLayers: 1, bidirectional: false, lengths: undefined },
    { name: '2 layers, bidirectional', numLayers: 2, bidirectional: true, lengths: undefined },
    {
      name: '2 layers, bidirectional, lengths',
      numLayers: 2,
      bidirectional: true,
      lengths: [7, 3, 5, 1],
    },
  ])('$name: outputs, states and all gradients agree within 1e-6', (o) => {
    const opts = {
      inputSize: I,
      hiddenSize: H,
      numLayers: o.numLayers,
      bidirectional: o.bidirectional,
    };
    const fused = buildLayer(v, { ...opts, fused: true }, 9);
    const composed = buildLayer(v, { ...opts, fused: false }, 9);
    const S = o.numLayers * (o.bidirectional ? 2 : 1);
    const x = seeded([B, T, I], 61, 2);
    const h0 = seeded([S, B, H], 62);
    const c0 = v.kind === 'lstm' ? seeded([S, B, H], 63, 2) : undefined;
    const run = (layer: RecurrentLayer) => {
      const wrt = [x, h0, ...(c0 ? [c0] : []), ...layer.parameters()];
      const outs: Tensor[] = [];
      const { grads } = valueAndGrad(() => {
        const r = layer.forward(x, { h: h0, c: c0 }, { lengths: o.lengths });
        const ys = [r.output, r.state.h, ...(r.state.c ? [r.state.c] : [])];
        let loss: Tensor | undefined;
        ys.forEach((y, k) => {
          outs.push(keep(y));
          const term = sum(mul(y, seeded([...y.shape], 50 + k)));
          loss = loss ? add(loss, term) : term;
        });
        return loss!;
      }, wrt);
      return { outs, grads };
    };
    // count fused kernel calls: the fused layer must take them, the composed one never
    const be = getBackend();
    const kernel = v.kind === 'lstm' ? 'lstmCellBackward' : 'gruCellBackward';
    const fwd = vi.spyOn(be, v.kind === 'lstm' ? 'lstmCell' : 'gruCell');
    const bwd = vi.spyOn(be, kernel);
    const a = run(fused);
    const fusedCalls = [fwd.mock.calls.length, bwd.mock.calls.length];
    fwd.mockClear();
    bwd.mockClear();
    const b = run(composed);
    const composedCalls = [fwd.mock.calls.length, bwd.mock.calls.length];
    fwd.mockRestore();
    bwd.mockRestore();
    const steps = T * S; // every step of every layer and direction
    // GRU with the reset gate before the product has no fused kernel: both paths compose
    expect(fusedCalls).toEqual(v.resetAfter === false ? [0, 0] : [steps, steps]);
    expect(composedCalls).toEqual([0, 0]);
    const names = ['x', 'h0', ...(c0 ? ['c0'] : []), ...fused.namedParameters().map(([n]) => n)];
    a.outs.forEach((t, k) => {
      expect(maxAbs(t.dataSync(), b.outs[k].dataSync()), `output ${k}`).toBeLessThan(TOL);
    });
    expect(a.grads).toHaveLength(names.length);
    a.grads.forEach((g, i) => {
      const d = maxAbs(g.dataSync(), b.grads[i].dataSync());
      expect(d, `gradient of ${names[i]}`).toBeLessThan(TOL);
    });
    // the gradients are not trivially zero
    expect(Math.max(...Array.from(a.grads[0].dataSync(), Math.abs))).toBeGreaterThan(1e-3);
  });
});

describe('fused vs composed: single-step cells', () => {
  const cells = [
    {
      name: 'LSTMCell',
      make: (fused: boolean) => new LSTMCell({ inputSize: I, hiddenSize: H, fused }),
    },
    {
      name: 'LSTMCell peephole',
      make: (fused: boolean) =>
        new LSTMCell({ inputSize: I, hiddenSize: H, fused, peephole: true }),
    },
    {
      name: 'GRUCell resetAfter',
      make: (fused: boolean) => new GRUCell({ inputSize: I, hiddenSize: H, fused }),
    },
    {
      name: 'GRUCell resetBefore',
      make: (fused: boolean) =>
        new GRUCell({ inputSize: I, hiddenSize: H, fused, resetAfter: false }),
    },
  ];
  it.each(cells)('$name', (c) => {
    const a = c.make(true);
    const b = c.make(false);
    b.loadStateDict(a.stateDict());
    const x = seeded([B, I], 71, 2);
    const h = seeded([B, H], 72);
    const cs = seeded([B, H], 73, 2);
    const run = (cell: LSTMCell | GRUCell) => {
      const wrt = [x, h, ...(cell instanceof LSTMCell ? [cs] : []), ...cell.parameters()];
      const outs: Tensor[] = [];
      const { grads } = valueAndGrad(() => {
        const ys =
          cell instanceof LSTMCell
            ? Object.values(cell.forward(x, { h, c: cs }))
            : [cell.forward(x, h)];
        let loss: Tensor | undefined;
        ys.forEach((y, k) => {
          outs.push(keep(y));
          const term = sum(mul(y, seeded([...y.shape], 80 + k)));
          loss = loss ? add(loss, term) : term;
        });
        return loss!;
      }, wrt);
      return { outs, grads };
    };
    const ra = run(a);
    const rb = run(b);
    ra.outs.forEach((t, k) => {
      expect(maxAbs(t.dataSync(), rb.outs[k].dataSync())).toBeLessThan(TOL);
    });
    ra.grads.forEach((g, i) => {
      expect(maxAbs(g.dataSync(), rb.grads[i].dataSync()), `gradient ${i}`).toBeLessThan(TOL);
    });
  });
});
