import { cellDef, GRUCell, LSTMCell, RNNCell } from '@rnnkit/cells';
import { dispose, Rng, type Tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import {
  buildLayer,
  type LayerOptions,
  refConfig,
  seeded,
  VARIANTS,
} from './cells-support/build.js';
import { checkModuleGrad } from './cells-support/gradcheck.js';
import { refLayer, refStep } from './cells-support/reference.js';
import type { Ctx } from './context.js';

/**
 * The gradients of every @rnnkit/cells recurrent cell and layer option combination, built on the
 * backend under test: the tape's analytic gradients (float32, through the backend's kernels,
 * fused where it has them) against central finite differences (float64, on the host) of an
 * independent loop-by-loop reference, with respect to the input, the initial state(s) and every
 * parameter (peepholes included). Small model: batch 2 (3 with lengths), time 3, input 3,
 * hidden 4.
 */

const I = 3;
const H = 4;
const T = 3;

interface Combo {
  name: string;
  o: Partial<LayerOptions>;
  lengths?: number[];
}

/** Every combination of bidirectional × numLayers × bias × lengths, plus layout variants. */
const COMBOS: Combo[] = [];
for (const bidirectional of [false, true])
  for (const numLayers of [1, 2])
    for (const bias of [true, false])
      for (const lengths of [undefined, [3, 1, 2]]) {
        const name = [
          bidirectional ? 'bidirectional' : 'forward',
          `${numLayers} layer${numLayers > 1 ? 's' : ''}`,
          bias ? 'bias' : 'no bias',
          lengths ? 'lengths [3,1,2]' : 'full length',
        ].join(', ');
        COMBOS.push({ name, o: { bidirectional, numLayers, bias }, lengths });
      }
COMBOS.push(
  { name: 'time-major (batchFirst false), 2 layers', o: { batchFirst: false, numLayers: 2 } },
  {
    name: 'returnSequences false, 2 layers, bidirectional, lengths',
    o: { returnSequences: false, bidirectional: true, numLayers: 2 },
    lengths: [2, 3, 1],
  },
);

export function cellGradTests(ctx: Ctx): void {
  describe('@rnnkit/cells gradients against finite differences', () => {
    layerTests(ctx);
    stepCellTests(ctx);
  });
  describe('@rnnkit/cells whole-sequence forms over longer sequences', () => {
    sequenceFormTests(ctx);
  });
}

/**
 * Cells that run a whole sequence at once (minGRU, minLSTM: a tree of small blocks once T passes
 * a few steps) against the float64 step-by-step reference, over lengths the gradient checks'
 * T = 3 does not reach, forwards and backwards, with padded sequences.
 */
function sequenceFormTests(ctx: Ctx): void {
  const parallel = VARIANTS.filter((v) => cellDef(v.kind).sequence);
  const lengths = [11, 4, 7];
  describe.each(parallel)('$name', (variant) => {
    it.each([5, 11])('T %i, bidirectional, 2 layers, lengths', async (TL) => {
      const B = lengths.length;
      const lens = lengths.map((n) => Math.min(n, TL));
      const opts: LayerOptions = { inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true };
      const layer = buildLayer(ctx, variant, opts, 9);
      const x = seeded(ctx, [B, TL, I], 14, 3);
      const h0 = seeded(ctx, [4, B, H], 15, 0.9);
      try {
        const out = layer.forward(x, { h: h0 }, { lengths: lens });
        const v: Record<string, number[]> = {
          x: Array.from(await x.data()),
          h0: Array.from(await h0.data()),
        };
        for (const [n, p] of layer.namedParameters()) v[n] = Array.from(await p.data());
        const ref = refLayer(refConfig(variant, opts), v, { batch: B, time: TL }, lens);
        const got = [await out.output.data(), await out.state.h.data()];
        [ref.output, ref.hn].forEach((want, k) => {
          let err = 0;
          for (let i = 0; i < want.length; i++)
            err = Math.max(err, Math.abs(got[k][i] - want[i]) / (1 + Math.abs(want[i])));
          expect(err).toBeLessThan(ctx.tol);
        });
        dispose([out.output, out.state.h]);
      } finally {
        dispose([layer.parameters(), x, h0]);
      }
    });
  });
}

function layerTests(ctx: Ctx): void {
  describe.each(VARIANTS)('$name layer', (variant) => {
    // The fused flag matters only where the cell's step may run a backend's fused kernel (its
    // definition says where); one pass covers the others.
    const def = cellDef(variant.kind);
    const hasFused = def.fusedKernel(variant);
    const paths = hasFused ? [true, false] : [true];
    describe.each(paths)('fused %s', (fused) => {
      it.each(COMBOS)('$name', async ({ o, lengths }) => {
        const B = lengths ? lengths.length : 2;
        const opts: LayerOptions = { inputSize: I, hiddenSize: H, ...o, fused };
        const layer = buildLayer(ctx, variant, opts, 7);
        const L = opts.numLayers ?? 1;
        const D = opts.bidirectional ? 2 : 1;
        const x = seeded(ctx, opts.batchFirst === false ? [T, B, I] : [B, T, I], 11);
        const h0 = seeded(ctx, [L * D, B, H], 12, 0.5);
        const c0 = def.states.includes('c') ? seeded(ctx, [L * D, B, H], 13, 0.5) : undefined;
        try {
          const wrt: Record<string, Tensor> = { x, h0, ...(c0 ? { c0 } : {}) };
          for (const [n, p] of layer.namedParameters()) {
            expect(p.backend).toBe(ctx.be());
            wrt[n] = p;
          }
          // every parameter is in the check, peepholes included
          const perDir = Object.keys(
            def.parameters({
              inputSize: I,
              hiddenSize: H,
              bias: opts.bias !== false,
              settings: variant,
            }),
          ).length;
          expect(layer.namedParameters()).toHaveLength(L * D * perDir);
          if (variant.peephole) expect(Object.keys(wrt)).toContain('peepholeL0');

          const cfg = refConfig(variant, opts);
          const r = await checkModuleGrad(ctx, {
            wrt,
            seed: 3,
            forward: () => {
              const out = layer.forward(x, { h: h0, c: c0 }, { lengths });
              return [out.output, out.state.h, ...(out.state.c ? [out.state.c] : [])];
            },
            reference: (v) => {
              const out = refLayer(cfg, v, { batch: B, time: T }, lengths);
              return [out.output, out.hn, ...(out.cn ? [out.cn] : [])];
            },
          });
          expect(r.checked).toBeGreaterThan(0);
        } finally {
          dispose([layer.parameters(), x, h0, c0]);
        }
      });
    });
  });
}

function stepCellTests(ctx: Ctx): void {
  const B = 2;
  const cases = [
    ...(['tanh', 'relu', 'linear'] as const).map((nonlinearity) => ({
      name: `RNNCell ${nonlinearity}`,
      kind: 'rnn' as const,
      nonlinearity,
      make: (bias: boolean, fused: boolean) =>
        new RNNCell({
          inputSize: I,
          hiddenSize: H,
          bias,
          fused,
          nonlinearity,
          rng: new Rng(5),
          backend: ctx.be(),
        }),
    })),
    ...[false, true].map((peephole) => ({
      name: `LSTMCell${peephole ? ' peephole' : ''}`,
      kind: 'lstm' as const,
      peephole,
      make: (bias: boolean, fused: boolean) =>
        new LSTMCell({
          inputSize: I,
          hiddenSize: H,
          bias,
          fused,
          peephole,
          rng: new Rng(5),
          backend: ctx.be(),
        }),
    })),
    ...[true, false].map((resetAfter) => ({
      name: `GRUCell resetAfter ${resetAfter}`,
      kind: 'gru' as const,
      resetAfter,
      make: (bias: boolean, fused: boolean) =>
        new GRUCell({
          inputSize: I,
          hiddenSize: H,
          bias,
          fused,
          resetAfter,
          rng: new Rng(5),
          backend: ctx.be(),
        }),
    })),
  ];
  const grid = cases.flatMap((c) =>
    [true, false].flatMap((bias) =>
      [true, false].map((fused) => ({
        ...c,
        bias,
        fused,
        label: `${c.name}, bias ${bias}, fused ${fused}`,
      })),
    ),
  );
  describe('one-step cells', () => {
    it.each(grid)('$label', async (c) => {
      const cell = c.make(c.bias, c.fused);
      const x = seeded(ctx, [B, I], 21);
      const h = seeded(ctx, [B, H], 22, 0.5);
      const cs = c.kind === 'lstm' ? seeded(ctx, [B, H], 23, 0.5) : undefined;
      try {
        const wrt: Record<string, Tensor> = { x, h, ...(cs ? { c: cs } : {}) };
        for (const [n, p] of cell.namedParameters()) {
          expect(p.backend).toBe(ctx.be());
          wrt[n] = p;
        }
        if ('peephole' in c && c.peephole) expect(Object.keys(wrt)).toContain('peephole');
        await checkModuleGrad(ctx, {
          wrt,
          seed: 4,
          forward: () => {
            if (cell instanceof LSTMCell) {
              const s = cell.forward(x, { h, c: cs! });
              return [s.h, s.c];
            }
            return [(cell as RNNCell | GRUCell).forward(x, h)];
          },
          reference: (v) => {
            const hs: number[] = [];
            const ccs: number[] = [];
            for (let b = 0; b < B; b++) {
              const r = refStep(
                {
                  kind: c.kind,
                  hiddenSize: H,
                  nonlinearity: 'nonlinearity' in c ? c.nonlinearity : undefined,
                  resetAfter: 'resetAfter' in c ? c.resetAfter : undefined,
                },
                {
                  weightIh: v.weightIh,
                  weightHh: v.weightHh,
                  biasIh: v.biasIh,
                  biasHh: v.biasHh,
                  peephole: v.peephole,
                },
                v.x.slice(b * I, (b + 1) * I),
                v.h.slice(b * H, (b + 1) * H),
                v.c?.slice(b * H, (b + 1) * H),
              );
              hs.push(...r.h);
              if (r.c) ccs.push(...r.c);
            }
            return c.kind === 'lstm' ? [hs, ccs] : [hs];
          },
        });
      } finally {
        dispose([cell.parameters(), x, h, cs]);
      }
    });
  });
}
