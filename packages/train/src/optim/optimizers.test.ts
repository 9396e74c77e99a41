import { createJsBackend } from '@rnnkit/backend-js';
import { type Backend, getBackend, Parameter, tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../checkpoint-data.js';
import { expectClose, readFixture } from '../test-utils/helpers.js';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

interface OptimCase {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
  options: Record<string, number | boolean | number[]>;
  param0: number[];
  grads: number[][];
  params: number[][];
}

const fixture = readFixture<{ cases: OptimCase[] }>('optim.json');

/** Maps the recorded torch.optim keyword arguments to rnnkit's options, refusing any it does not know. */
function make(c: OptimCase, p: Parameter): Optimizer {
  const o = c.options;
  const num = (k: string) => o[k] as number;
  const known = new Set([
    'lr',
    'weight_decay',
    'maximize',
    'amsgrad',
    'centered',
    'momentum',
    'dampening',
    'nesterov',
    'betas',
    'eps',
    'alpha',
    'lr_decay',
    'initial_accumulator_value',
  ]);
  for (const k of Object.keys(o)) if (!known.has(k)) throw new Error(`unmapped torch option ${k}`);
  // Options rnnkit does not implement must be at their off setting in the fixture.
  expect(o.maximize ?? false).toBe(false);
  expect(o.amsgrad ?? false).toBe(false);
  expect(o.centered ?? false).toBe(false);
  switch (c.optimizer) {
    case 'SGD':
      return new SGD([p], {
        lr: num('lr'),
        momentum: num('momentum'),
        dampening: num('dampening'),
        nesterov: o.nesterov as boolean,
        weightDecay: num('weight_decay'),
      });
    case 'Adam':
    case 'AdamW': {
      const Cls = c.optimizer === 'Adam' ? Adam : AdamW;
      const [b1, b2] = o.betas as number[];
      return new Cls([p], {
        lr: num('lr'),
        betas: [b1, b2],
        eps: num('eps'),
        weightDecay: num('weight_decay'),
      });
    }
    case 'RMSprop':
      return new RMSprop([p], {
        lr: num('lr'),
        alpha: num('alpha'),
        eps: num('eps'),
        weightDecay: num('weight_decay'),
        momentum: num('momentum'),
      });
    case 'Adagrad':
      return new Adagrad([p], {
        lr: num('lr'),
        lrDecay: num('lr_decay'),
        weightDecay: num('weight_decay'),
        initialAccumulatorValue: num('initial_accumulator_value'),
        eps: num('eps'),
      });
  }
}

function param(values: ArrayLike<number>, be: Backend = getBackend()): Parameter {
  return new Parameter(tensor(Float32Array.from(values), [values.length], 'float32', be));
}

async function values(p: Parameter): Promise<number[]> {
  return Array.from(await p.data(), Number);
}

describe('optimizers match torch.optim (fixtures/optim.json)', () => {
  it('has the documented cases', async () => {
    expect(fixture.cases.map((c) => c.name).sort()).toEqual(
      [
        'adagrad',
        'adagrad_decay',
        'adam',
        'adam_weight_decay',
        'adamw',
        'rmsprop',
        'rmsprop_momentum',
        'sgd',
        'sgd_momentum',
        'sgd_nesterov',
        'sgd_weight_decay',
      ].sort(),
    );
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))(
    '%s: five steps within 1e-6',
    async (_, c) => {
      expect(c.grads).toHaveLength(5);
      expect(c.params).toHaveLength(5);
      const p = param(c.param0);
      const opt = make(c, p);
      for (let k = 0; k < c.grads.length; k++) {
        opt.step([tensor(Float32Array.from(c.grads[k]), [c.grads[k].length])]);
        expectClose(await values(p), c.params[k], 1e-6, `${c.name} after step ${k + 1}`);
      }
      expect(opt.stepCount).toBe(5);
    },
  );

  it('the fixture cases differ from each other (the options matter)', async () => {
    // Guards the comparison above: if every case had the same trajectory, a wrong mapping could pass.
    const finals = new Set(
      fixture.cases.map((c) => c.params[4].map((v) => v.toFixed(6)).join(',')),
    );
    expect(finals.size).toBe(fixture.cases.length);
  });
});

/**
 * The JS backend less its optional fused optimizer kernels: a real backend on which every
 * optimizer runs its core-ops definition.
 */
function withoutOptimizerKernels(): Backend {
  const be: Backend = createJsBackend();
  return Object.assign(Object.create(be) as Backend, {
    name: 'js without optimizer kernels',
    sgdUpdate: undefined,
    adamUpdate: undefined,
    rmspropUpdate: undefined,
  });
}

describe('each optimizer is one definition in core ops', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))(
    '%s on a backend without fused optimizer kernels: five steps within 1e-6 of torch.optim',
    async (_, c) => {
      const be = withoutOptimizerKernels();
      const p = param(c.param0, be);
      const opt = make(c, p);
      for (let k = 0; k < c.grads.length; k++) {
        opt.step([tensor(Float32Array.from(c.grads[k]), [c.grads[k].length], 'float32', be)]);
        expectClose(await values(p), c.params[k], 1e-6, `${c.name} after step ${k + 1}`);
      }
      expect(p.backend).toBe(be);
    },
  );

  it.each(fixture.cases.map((c) => [c.name, c] as const))(
    '%s: the fused kernel (where there is one) and the definition agree, state included',
    async (_, c) => {
      const pK = param(c.param0);
      const pD = param(c.param0);
      const viaKernel = make(c, pK);
      const viaDefinition = make(c, pD);
      viaDefinition.fusedKernel = false;
      for (const g of c.grads) {
        viaKernel.step([tensor(Float32Array.from(g), [g.length])]);
        viaDefinition.step([tensor(Float32Array.from(g), [g.length])]);
      }
      expectClose(await values(pD), await values(pK), 1e-6, `${c.name} parameter`);
      const k = await viaKernel.stateDict();
      const d = await viaDefinition.stateDict();
      expect(Object.keys(d.tensors).sort()).toEqual(Object.keys(k.tensors).sort());
      for (const [name, t] of Object.entries(k.tensors))
        expectClose(
          Array.from(d.tensors[name].data),
          Array.from(t.data),
          1e-6,
          `${c.name} ${name}`,
        );
    },
  );

  it('a gradient of another shape is an error naming both shapes, on either path', async () => {
    for (const be of [getBackend(), withoutOptimizerKernels()]) {
      const opt = new Adam([param([1, 2, 3], be), param([1, 2], be)]);
      const g = (n: number) => tensor(new Float32Array(n), [n], 'float32', be);
      expect(() => opt.step([g(2), g(3)])).toThrow(
        /Adam\.step: gradient 0 is \[2\], its parameter \[3\]; pass the gradients in the order/,
      );
    }
  });

  it('a scalar parameter keeps its shape through the definition', async () => {
    const be = withoutOptimizerKernels();
    const p = new Parameter(tensor(Float32Array.of(1), [], 'float32', be));
    const opt = new Adam([p], { lr: 0.1 });
    opt.step([tensor(Float32Array.of(0.5), [], 'float32', be)]);
    expect(p.shape).toEqual([]);
    expectClose(await values(p), [0.9], 1e-6, 'Adam first step moves by lr');
  });

  it('core refuses a fused optimizer kernel the backend lacks, naming the kernel and the way out', async () => {
    const { adamUpdate } = await import('@rnnkit/core');
    const be = withoutOptimizerKernels();
    const t = () => tensor(Float32Array.of(1), [1], 'float32', be);
    expect(() =>
      adamUpdate(t(), t(), t(), t(), {
        lr: 0.1,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weightDecay: 0,
        decoupled: false,
        biasCorrection1: 0.1,
        biasCorrection2: 0.001,
      }),
    ).toThrow(
      /adamUpdate: backend 'js without optimizer kernels' has no fused adamUpdate kernel.*@rnnkit\/train's optimizers/,
    );
  });
});

describe('optimizer state dict', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))(
    '%s: save after 2 steps, load into a new optimizer, continue = uninterrupted',
    async (_, c) => {
      const grad = (k: number) => tensor(Float32Array.from(c.grads[k]), [c.grads[k].length]);
      const pA = param(c.param0);
      const a = make(c, pA);
      for (let k = 0; k < 5; k++) a.step([grad(k)]);

      const pB = param(c.param0);
      const b = make(c, pB);
      b.step([grad(0)]);
      b.step([grad(1)]);
      const saved = await b.stateDict();
      const weightsAt2 = await values(pB);
      // Stepping b further must not change what was saved (host copies).
      const snapshot = JSON.stringify(Object.values(saved.tensors).map((t) => Array.from(t.data)));
      b.step([grad(2)]);
      expect(JSON.stringify(Object.values(saved.tensors).map((t) => Array.from(t.data)))).toBe(
        snapshot,
      );

      // Direct and through a checkpoint file's bytes.
      const viaBytes = decodeCheckpoint(
        encodeCheckpoint({
          model: {},
          optimizer: saved,
          progress: { step: 2, epoch: 0, batchInEpoch: 2 },
        }),
      ).optimizer!;
      for (const state of [saved, viaBytes]) {
        const pC = param(weightsAt2);
        const cOpt = make(c, pC);
        cOpt.loadStateDict(state);
        expect(cOpt.stepCount).toBe(2);
        for (let k = 2; k < 5; k++) cOpt.step([grad(k)]);
        expect(await values(pC)).toEqual(await values(pA));
      }
    },
  );

  it('stateDict names its buffers and settings', async () => {
    const p = param([1, 2, 3]);
    const opt = new Adam([p], { lr: 0.1, betas: [0.8, 0.9], eps: 1e-6, weightDecay: 0.5 });
    opt.step([tensor([0.1, 0.2, 0.3])]);
    const s = await opt.stateDict();
    expect(s.type).toBe('Adam');
    expect(s.stepCount).toBe(1);
    expect(s.lr).toBe(0.1);
    expect(s.hyper).toEqual({ beta1: 0.8, beta2: 0.9, eps: 1e-6, weightDecay: 0.5 });
    expect(Object.keys(s.tensors).sort()).toEqual(['0.m', '0.v']);
    // m = (1 − β1)·(g + weightDecay·p) after one step (L2 decay enters the gradient for Adam).
    expectClose(
      s.tensors['0.m'].data,
      [0.2 * (0.1 + 0.5), 0.2 * (0.2 + 1), 0.2 * (0.3 + 1.5)],
      1e-6,
      'm',
    );
    expectClose(s.tensors['0.v'].data, [0.1 * 0.6 ** 2, 0.1 * 1.2 ** 2, 0.1 * 1.8 ** 2], 1e-6, 'v');
  });

  it('restores the learning rate a schedule had set', async () => {
    const p = param([1, 2]);
    const a = new SGD([p], { lr: 0.1 });
    a.lr = 0.025;
    const b = new SGD([param([1, 2])], { lr: 0.1 });
    b.loadStateDict(await a.stateDict());
    expect(b.lr).toBe(0.025);
    expect(b.baseLr).toBe(0.1);
  });

  it('loading Adam state into SGD is an error naming both', async () => {
    const adam = new Adam([param([1, 2])], { lr: 0.1 });
    adam.step([tensor([1, 1])]);
    const sgd = new SGD([param([1, 2])], { lr: 0.1 });
    const adamState = await adam.stateDict();
    expect(() => sgd.loadStateDict(adamState)).toThrow(/Adam.*SGD/);
    const adamw = new AdamW([param([1, 2])], { lr: 0.1 });
    expect(() => adamw.loadStateDict(adamState)).toThrow(
      /optimizer state is for Adam, this optimizer is AdamW/,
    );
  });

  it('mismatched hyperparameters are an error naming the setting', async () => {
    const a = new Adam([param([1, 2])], { lr: 0.1, betas: [0.9, 0.999] });
    a.step([tensor([1, 1])]);
    const b = new Adam([param([1, 2])], { lr: 0.1, betas: [0.5, 0.999] });
    const aState = await a.stateDict();
    expect(() => b.loadStateDict(aState)).toThrow(/beta1 0\.5 \(checkpoint 0\.9\)/);

    const s = new SGD([param([1])], { lr: 0.1, momentum: 0.9 });
    const n = new SGD([param([1])], { lr: 0.1, momentum: 0.9, nesterov: true });
    const sState = await s.stateDict();
    expect(() => n.loadStateDict(sState)).toThrow(/nesterov/);
    const r = new RMSprop([param([1])], { alpha: 0.9 });
    const rState = await r.stateDict();
    expect(() => new RMSprop([param([1])], { alpha: 0.99 }).loadStateDict(rState)).toThrow(/alpha/);
  });

  it('state for a parameter of another size is an error', async () => {
    const a = new Adam([param([1, 2, 3])]);
    a.step([tensor([1, 1, 1])]);
    const b = new Adam([param([1, 2])]);
    const aState = await a.stateDict();
    expect(() => b.loadStateDict(aState)).toThrow(/does not fit parameter 0/);
  });

  it('step checks the number of gradients; constructor checks lr and params', async () => {
    const opt = new SGD([param([1])], { lr: 0.1 });
    expect(() => opt.step([])).toThrow(/got 0 gradients for 1 parameters/);
    expect(() => new SGD([param([1])], { lr: 0 })).toThrow(/lr must be positive/);
    expect(() => new Adam([])).toThrow(/no parameters/);
  });

  it('frozen parameters are not updated', async () => {
    const p = param([1, 2]);
    p.trainable = false;
    const q = param([1, 2]);
    const opt = new SGD([p, q], { lr: 0.5 });
    opt.step([tensor([1, 1]), tensor([1, 1])]);
    expect(await values(p)).toEqual([1, 2]);
    expect(await values(q)).toEqual([0.5, 1.5]);
  });
});
