import {
  type AdamHyper,
  adamUpdate,
  type RmspropHyper,
  rmspropUpdate,
  type SgdHyper,
  sgdUpdate,
  zeros,
} from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { assertClose, type Ctx, ft, values } from './context.js';
import * as ref from './reference.js';

// Float64 references transcribed from torch.optim (single-tensor, foreach=False code paths).

interface SgdOpts {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
}

function sgdRef(p: number[], grads: number[][], o: SgdOpts): { p: number[]; buf: number[] } {
  p = [...p];
  let buf: number[] | null = null;
  for (const g of grads) {
    let d = g.map((gi, i) => gi + o.weightDecay * p[i]);
    if (o.momentum !== 0) {
      const prev: number[] | null = buf;
      const dd = d;
      const bb: number[] =
        prev === null ? [...dd] : prev.map((b, i) => o.momentum * b + (1 - o.dampening) * dd[i]);
      buf = bb;
      d = o.nesterov ? dd.map((di, i) => di + o.momentum * bb[i]) : [...bb];
    }
    p = p.map((pi, i) => pi - o.lr * d[i]);
  }
  return { p, buf: buf ?? [] };
}

interface AdamOpts {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupled: boolean;
}

function adamRef(
  p: number[],
  grads: number[][],
  o: AdamOpts,
): { p: number[]; m: number[]; v: number[] } {
  p = [...p];
  let m = p.map(() => 0);
  let v = p.map(() => 0);
  grads.forEach((g0, k) => {
    const t = k + 1;
    let g = g0;
    if (o.decoupled) p = p.map((pi) => pi * (1 - o.lr * o.weightDecay));
    else g = g.map((gi, i) => gi + o.weightDecay * p[i]);
    m = m.map((mi, i) => o.beta1 * mi + (1 - o.beta1) * g[i]);
    v = v.map((vi, i) => o.beta2 * vi + (1 - o.beta2) * g[i] * g[i]);
    const bc1 = 1 - o.beta1 ** t;
    const bc2 = 1 - o.beta2 ** t;
    const stepSize = o.lr / bc1;
    p = p.map((pi, i) => pi - (stepSize * m[i]) / (Math.sqrt(v[i]) / Math.sqrt(bc2) + o.eps));
  });
  return { p, m, v };
}

interface RmsOpts {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
}

function rmspropRef(
  p: number[],
  grads: number[][],
  o: RmsOpts,
): { p: number[]; sq: number[]; buf: number[] } {
  p = [...p];
  let sq = p.map(() => 0);
  let buf = p.map(() => 0);
  for (const g0 of grads) {
    const g = g0.map((gi, i) => gi + o.weightDecay * p[i]);
    sq = sq.map((s, i) => o.alpha * s + (1 - o.alpha) * g[i] * g[i]);
    const avg = sq.map((s) => Math.sqrt(s) + o.eps);
    if (o.momentum > 0) {
      buf = buf.map((b, i) => o.momentum * b + g[i] / avg[i]);
      p = p.map((pi, i) => pi - o.lr * buf[i]);
    } else {
      p = p.map((pi, i) => pi - (o.lr * g[i]) / avg[i]);
    }
  }
  return { p, sq, buf };
}

const SHAPE = [2, 3];
const P0 = ref.rand(SHAPE, 6000, -1, 1);
const GRADS = [6001, 6002, 6003].map((s) => ref.rand(SHAPE, s, -2, 2).data);

export function optimizerTests(ctx: Ctx): void {
  // Three steps in float32 drift a little from float64; 20·tol still catches any formula error.
  const rtol = () => ctx.tol * 20;

  describe('optimizer kernels vs PyTorch formulas (3 steps)', () => {
    const sgdCases: [string, SgdOpts][] = [
      ['plain', { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 }],
      ['weight decay', { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0.05 }],
      ['momentum', { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 }],
      [
        'momentum + dampening',
        { lr: 0.05, momentum: 0.8, dampening: 0.3, nesterov: false, weightDecay: 0 },
      ],
      ['nesterov', { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0 }],
      [
        'nesterov + weight decay',
        { lr: 0.1, momentum: 0.7, dampening: 0, nesterov: true, weightDecay: 0.1 },
      ],
      [
        'momentum + dampening + weight decay',
        { lr: 0.2, momentum: 0.5, dampening: 0.5, nesterov: false, weightDecay: 0.01 },
      ],
    ];
    for (const [label, o] of sgdCases) {
      it(`sgdUpdate ${label}`, async () => {
        const e = sgdRef(P0.data, GRADS, o);
        const be = ctx.be();
        const p = ft(ctx, P0);
        const buf = o.momentum !== 0 ? zeros(SHAPE, 'float32', be) : null;
        GRADS.forEach((g, k) => {
          const gt = ft(ctx, g, SHAPE);
          sgdUpdate(p, gt, buf, { ...o, firstStep: k === 0 } satisfies SgdHyper);
          gt.dispose();
        });
        assertClose(await values(p), e.p, rtol(), rtol(), `sgd ${label} param`);
        if (buf)
          assertClose(await values(buf), e.buf, rtol(), rtol(), `sgd ${label} momentum buffer`);
        p.dispose();
        buf?.dispose();
      });
    }

    const adamCases: [string, AdamOpts][] = [
      ['Adam', { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false }],
      [
        'Adam + L2 weight decay',
        { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled: false },
      ],
      [
        'AdamW decoupled weight decay',
        { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled: true },
      ],
      [
        'Adam, other betas and large eps',
        { lr: 0.1, beta1: 0.5, beta2: 0.9, eps: 0.1, weightDecay: 0, decoupled: false },
      ],
    ];
    for (const [label, o] of adamCases) {
      it(`adamUpdate ${label}`, async () => {
        const e = adamRef(P0.data, GRADS, o);
        const be = ctx.be();
        const p = ft(ctx, P0);
        const m = zeros(SHAPE, 'float32', be);
        const v = zeros(SHAPE, 'float32', be);
        GRADS.forEach((g, k) => {
          const t = k + 1;
          const gt = ft(ctx, g, SHAPE);
          const h: AdamHyper = {
            ...o,
            biasCorrection1: 1 - o.beta1 ** t,
            biasCorrection2: 1 - o.beta2 ** t,
          };
          adamUpdate(p, gt, m, v, h);
          gt.dispose();
        });
        assertClose(await values(p), e.p, rtol(), rtol(), `${label} param`);
        assertClose(await values(m), e.m, rtol(), rtol(), `${label} first moment`);
        assertClose(await values(v), e.v, rtol(), rtol() * 0.1, `${label} second moment`);
        for (const t of [p, m, v]) t.dispose();
      });
    }

    it('Adam with L2 decay and AdamW differ (decay is applied differently)', async () => {
      const a = adamRef(P0.data, GRADS, adamCases[1][1]).p;
      const w = adamRef(P0.data, GRADS, adamCases[2][1]).p;
      expect(Math.max(...a.map((x, i) => Math.abs(x - w[i])))).toBeGreaterThan(1e-4);
    });

    const rmsCases: [string, RmsOpts][] = [
      ['no momentum', { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0 }],
      ['momentum', { lr: 0.01, alpha: 0.9, eps: 1e-8, weightDecay: 0, momentum: 0.9 }],
      [
        'momentum + weight decay + large eps',
        { lr: 0.05, alpha: 0.8, eps: 0.1, weightDecay: 0.1, momentum: 0.5 },
      ],
      [
        'weight decay, no momentum',
        { lr: 0.02, alpha: 0.95, eps: 1e-6, weightDecay: 0.2, momentum: 0 },
      ],
    ];
    for (const [label, o] of rmsCases) {
      it(`rmspropUpdate ${label}`, async () => {
        const e = rmspropRef(P0.data, GRADS, o);
        const be = ctx.be();
        const p = ft(ctx, P0);
        const sq = zeros(SHAPE, 'float32', be);
        const buf = o.momentum > 0 ? zeros(SHAPE, 'float32', be) : null;
        for (const g of GRADS) {
          const gt = ft(ctx, g, SHAPE);
          rmspropUpdate(p, gt, sq, buf, { ...o } satisfies RmspropHyper);
          gt.dispose();
        }
        assertClose(await values(p), e.p, rtol(), rtol(), `rmsprop ${label} param`);
        assertClose(
          await values(sq),
          e.sq,
          rtol(),
          rtol() * 0.1,
          `rmsprop ${label} square average`,
        );
        if (buf)
          assertClose(await values(buf), e.buf, rtol(), rtol(), `rmsprop ${label} momentum buffer`);
        p.dispose();
        sq.dispose();
        buf?.dispose();
      });
    }

    it('sgdUpdate known values: p=1, g=0.5, lr=0.1, momentum 0.9 → 0.95, 0.8550 over 2 steps', async () => {
      const p = ft(ctx, [1], [1]);
      const buf = zeros([1], 'float32', ctx.be());
      const g = ft(ctx, [0.5], [1]);
      const h = { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 };
      sgdUpdate(p, g, buf, { ...h, firstStep: true });
      assertClose(await values(p), [0.95], 1e-6);
      sgdUpdate(p, g, buf, { ...h, firstStep: false });
      // buf = 0.9·0.5 + 0.5 = 0.95; p = 0.95 − 0.095
      assertClose(await values(buf), [0.95], 1e-6);
      assertClose(await values(p), [0.855], 1e-6);
      for (const t of [p, buf, g]) t.dispose();
    });
  });
}
