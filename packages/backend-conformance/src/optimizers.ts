import { type Backend, Parameter } from '@rnnkit/core';
import { Adagrad, Adam, AdamW, type Optimizer, RMSprop, SGD, type SGDOptions } from '@rnnkit/train';
import { describe, expect, it } from 'vitest';
import { assertClose, type Ctx, ft, values } from './context.js';
import * as ref from './reference.js';

/**
 * Each optimizer of @rnnkit/train is one definition written in core ops (checked against
 * torch.optim in @rnnkit/train's tests); that definition is the reference here. A backend's fused
 * update kernel, where it has one, must give what the definition gives on the same backend.
 */
interface OptimizerCase {
  label: string;
  /** The backend's fused kernel this optimizer uses when present; null where it has none. */
  kernel: 'sgdUpdate' | 'adamUpdate' | 'rmspropUpdate' | null;
  make(params: Parameter[]): Optimizer;
}

const SGD_CASES: [string, SGDOptions][] = [
  ['plain', { lr: 0.1 }],
  ['weight decay', { lr: 0.1, weightDecay: 0.05 }],
  ['momentum', { lr: 0.1, momentum: 0.9 }],
  ['momentum + dampening', { lr: 0.05, momentum: 0.8, dampening: 0.3 }],
  ['nesterov', { lr: 0.1, momentum: 0.9, nesterov: true }],
  ['nesterov + weight decay', { lr: 0.1, momentum: 0.7, nesterov: true, weightDecay: 0.1 }],
  [
    'momentum + dampening + weight decay',
    { lr: 0.2, momentum: 0.5, dampening: 0.5, weightDecay: 0.01 },
  ],
];

const CASES: OptimizerCase[] = SGD_CASES.map(
  ([label, o]): OptimizerCase => ({
    label: `SGD ${label}`,
    kernel: 'sgdUpdate',
    make: (p) => new SGD(p, o),
  }),
).concat([
  { label: 'Adam', kernel: 'adamUpdate', make: (p) => new Adam(p, { lr: 0.01 }) },
  {
    label: 'Adam + L2 weight decay',
    kernel: 'adamUpdate',
    make: (p) => new Adam(p, { lr: 0.01, weightDecay: 0.1 }),
  },
  {
    label: 'AdamW decoupled weight decay',
    kernel: 'adamUpdate',
    make: (p) => new AdamW(p, { lr: 0.01, weightDecay: 0.1 }),
  },
  {
    label: 'Adam, other betas and large eps',
    kernel: 'adamUpdate',
    make: (p) => new Adam(p, { lr: 0.1, betas: [0.5, 0.9], eps: 0.1 }),
  },
  {
    label: 'RMSprop no momentum',
    kernel: 'rmspropUpdate',
    make: (p) => new RMSprop(p, { lr: 0.01 }),
  },
  {
    label: 'RMSprop momentum',
    kernel: 'rmspropUpdate',
    make: (p) => new RMSprop(p, { lr: 0.01, alpha: 0.9, momentum: 0.9 }),
  },
  {
    label: 'RMSprop momentum + weight decay + large eps',
    kernel: 'rmspropUpdate',
    make: (p) =>
      new RMSprop(p, { lr: 0.05, alpha: 0.8, eps: 0.1, weightDecay: 0.1, momentum: 0.5 }),
  },
  {
    label: 'RMSprop weight decay, no momentum',
    kernel: 'rmspropUpdate',
    make: (p) => new RMSprop(p, { lr: 0.02, alpha: 0.95, eps: 1e-6, weightDecay: 0.2 }),
  },
  {
    label: 'Adagrad lr decay + weight decay + initial accumulator',
    kernel: null,
    make: (p) =>
      new Adagrad(p, { lr: 0.1, lrDecay: 0.05, weightDecay: 0.01, initialAccumulatorValue: 0.1 }),
  },
]);

const SHAPE = [2, 3];
const P0 = ref.rand(SHAPE, 6000, -1, 1);
const GRADS = [6001, 6002, 6003].map((s) => ref.rand(SHAPE, s, -2, 2).data);

function has(be: Backend, kernel: OptimizerCase['kernel']): boolean {
  return kernel !== null && typeof be[kernel] === 'function';
}

export function optimizerTests(ctx: Ctx): void {
  // Both paths run in float32 on the same backend; kernels may keep float64 intermediates where
  // the definition rounds every op, a difference far below the backend's tolerance.

  describe('optimizer updates: fused kernels against the core-ops definitions (3 steps)', () => {
    for (const c of CASES) {
      it(c.label, async () => {
        const be = ctx.be();
        const pK = new Parameter(ft(ctx, P0));
        const pD = new Parameter(ft(ctx, P0));
        const viaKernel = c.make([pK]);
        const viaDefinition = c.make([pD]);
        viaDefinition.fusedKernel = false;
        for (const g of GRADS) {
          const gt = ft(ctx, g, SHAPE);
          viaKernel.step([gt]);
          viaDefinition.step([gt]);
          gt.dispose();
        }
        const what = has(be, c.kernel) ? `${be.name}'s ${c.kernel}` : 'the definition';
        assertClose(await values(pK), await values(pD), ctx.tol, ctx.tol, `${what}: parameter`);
        const k = (await viaKernel.stateDict()).tensors;
        const d = (await viaDefinition.stateDict()).tensors;
        expect(Object.keys(k).sort()).toEqual(Object.keys(d).sort());
        for (const name of Object.keys(d)) {
          const e = Array.from(d[name].data);
          assertClose(Array.from(k[name].data), e, ctx.tol, ctx.tol, `${what}: state ${name}`);
        }
        pK.dispose();
        pD.dispose();
      });
    }

    it('Adam with L2 decay and AdamW differ (decay is applied differently)', async () => {
      const finals: number[][] = [];
      for (const label of ['Adam + L2 weight decay', 'AdamW decoupled weight decay']) {
        const p = new Parameter(ft(ctx, P0));
        const opt = CASES.find((c) => c.label === label)!.make([p]);
        for (const g of GRADS) {
          const gt = ft(ctx, g, SHAPE);
          opt.step([gt]);
          gt.dispose();
        }
        finals.push(await values(p));
        p.dispose();
      }
      const [a, w] = finals;
      expect(Math.max(...a.map((x, i) => Math.abs(x - w[i])))).toBeGreaterThan(1e-4);
    });

    for (const fusedKernel of [true, false]) {
      it(`SGD known values (${fusedKernel ? 'fused kernel where present' : 'definition'}): p=1, g=0.5, lr=0.1, momentum 0.9 → 0.95, 0.8550 over 2 steps`, async () => {
        const p = new Parameter(ft(ctx, [1], [1]));
        const g = ft(ctx, [0.5], [1]);
        const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
        opt.fusedKernel = fusedKernel;
        opt.step([g]);
        assertClose(await values(p), [0.95], 1e-6);
        opt.step([g]);
        // buf = 0.9·0.5 + 0.5 = 0.95; p = 0.95 − 0.095
        assertClose(Array.from((await opt.stateDict()).tensors['0.momentum'].data), [0.95], 1e-6);
        assertClose(await values(p), [0.855], 1e-6);
        p.dispose();
        g.dispose();
      });
    }
  });
}
