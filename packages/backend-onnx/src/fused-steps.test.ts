import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CharLM, type LayerState, SequenceRegressor } from '@rnnkit/cells';
import { memory, Rng, registerBackend, type Tensor, tensor, useBackend } from '@rnnkit/core';
import { decodeModel, type GraphProto } from '@rnnkit/onnx/format';
import {
  Adagrad,
  Adam,
  AdamW,
  type Carry,
  crossEntropy,
  type FitOptions,
  type FitResult,
  loadCheckpoint,
  mseLoss,
  NonFiniteLossError,
  type Optimizer,
  RMSprop,
  SGD,
  Trainer,
  warmup,
} from '@rnnkit/train';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OnnxBackend } from './backend.js';
import type { BuiltGraph } from './graph/graph-cache.js';
import { createOnnxBackend } from './index.js';
import type { RemoteRuntime } from './runtime/node/remote.js';

// The Trainer's stepsPerCall: consecutive steps traced once as one loop over the batches. Every
// case trains twice from the same start, one step per call and several, and compares.

let be: OnnxBackend;
beforeAll(() => {
  // graphs always run in the worker, which counts them
  registerBackend('onnx-fused', () => createOnnxBackend('onnx', { threads: 1, worker: true }));
  be = useBackend('onnx-fused') as OnnxBackend;
});

const runs = () => (be.graphs.remote as RemoteRuntime | null)?.runs ?? 0;

/** Windows [B, T, 1] → one value each; the last batch is smaller (it cannot stack with the rest). */
function windows(n: number, last = 3, poison?: number) {
  const r = new Rng(3);
  return Array.from({ length: n }, (_, k) => {
    const B = k === n - 1 ? last : 4;
    const x = Float32Array.from({ length: B * 5 }, () => r.random() * 2 - 1);
    if (k === poison) x[0] = Number.NaN;
    return { x, y: Float32Array.from({ length: B }, () => r.random()), B };
  });
}
const windowSource = (bs: ReturnType<typeof windows>) => ({
  numBatches: () => bs.length,
  *batches() {
    for (const b of bs) yield { x: tensor(b.x, [b.B, 5, 1]), y: tensor(b.y, [b.B, 1]) };
  },
});

type Made = { opt: (m: SequenceRegressor) => Optimizer; extra?: Partial<FitOptions<unknown>> };

async function trainRegressor(
  stepsPerCall: number,
  made: Made,
  n = 9,
  poison?: number,
  peek = false,
) {
  const model = new SequenceRegressor({
    cell: 'gru',
    inputSize: 1,
    hiddenSize: 6,
    outputSize: 1,
    rng: new Rng(7),
  });
  const optimizer = made.opt(model);
  const lrs: number[] = [];
  const before = runs();
  const fit = await new Trainer()
    .fit({
      model,
      optimizer,
      loss: (b: { x: Tensor; y: Tensor }) => {
        const l = mseLoss(model.forward(b.x), b.y);
        if (peek) l.item();
        return l;
      },
      train: windowSource(windows(n, 3, poison)),
      epochs: 2,
      progress: 'none',
      stepsPerCall,
      callbacks: [{ onStep: ({ lr }) => lrs.push(lr) }],
      ...(made.extra as object),
    })
    .catch((e: Error) => e);
  return {
    fit: fit as FitResult | Error,
    lrs,
    calls: runs() - before,
    weights: model.parameters().map((p) => Array.from(p.dataSync())),
    state: await optimizer.stateDict(),
  };
}

function ok(fit: FitResult | Error): FitResult {
  if (fit instanceof Error) throw fit;
  return fit;
}

function close(a: number[][], b: number[][], tol: number) {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) => {
    row.forEach((v, j) => {
      expect(Math.abs(v - b[i][j])).toBeLessThanOrEqual(tol);
    });
  });
}

const optimizers: [string, Made][] = [
  ['Adam', { opt: (m) => new Adam(m.parameters(), { lr: 0.02 }) }],
  [
    'AdamW with weight decay and a warm-up schedule',
    {
      opt: (m) => new AdamW(m.parameters(), { lr: 0.02, weightDecay: 0.1 }),
      extra: { schedule: warmup(5) },
    },
  ],
  [
    'SGD with Nesterov momentum and weight decay',
    {
      opt: (m) =>
        new SGD(m.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
    },
  ],
  [
    'RMSprop with momentum',
    { opt: (m) => new RMSprop(m.parameters(), { lr: 0.01, momentum: 0.5, weightDecay: 0.01 }) },
  ],
  [
    'Adagrad with lr decay and an initial accumulator (no fused kernel: its definition)',
    {
      opt: (m) =>
        new Adagrad(m.parameters(), { lr: 0.05, lrDecay: 0.01, initialAccumulatorValue: 0.1 }),
    },
  ],
];

describe('stepsPerCall on onnx', () => {
  for (const [name, made] of optimizers) {
    it(`${name}: 4 steps per call train as 1 step per call does, in fewer graph runs`, async () => {
      const one = await trainRegressor(1, made);
      const four = await trainRegressor(4, made);
      const [a, b] = [ok(one.fit), ok(four.fit)];
      expect(b.steps).toBe(18);
      expect(one.calls).toBe(18);
      // per epoch: 8 batches of 4 in two fused calls and the smaller last batch alone (SGD's
      // first momentum step runs alone too: its buffers start as the gradient; so does
      // Adagrad's first step, its sums starting at the initial accumulator value)
      expect(four.calls).toBe(/^(SGD|Adagrad)/.test(name) ? 7 : 6);
      close([b.trainLoss.map((l) => l.loss)], [a.trainLoss.map((l) => l.loss)], 1e-6);
      expect(four.lrs).toEqual(one.lrs);
      close(four.weights, one.weights, 1e-6);
      expect(four.state.stepCount).toBe(one.state.stepCount);
      for (const [k, t] of Object.entries(one.state.tensors)) {
        close([Array.from(four.state.tensors[k].data)], [Array.from(t.data)], 1e-6);
      }
    });
  }

  it('a non-finite loss inside a fused call names its step and leaves the weights as before it', async () => {
    const made: Made = { opt: (m) => new Adam(m.parameters(), { lr: 0.02 }) };
    const one = await trainRegressor(1, made, 9, 2);
    const four = await trainRegressor(4, made, 9, 2);
    for (const r of [one, four]) {
      expect(r.fit).toBeInstanceOf(NonFiniteLossError);
      expect((r.fit as Error).message).toMatch(/loss became NaN at step 3/);
    }
    expect(four.weights).toEqual(one.weights);
    expect(four.state).toEqual(one.state);
    expect(four.state.stepCount).toBe(2);
  });

  it('clips by norm inside the fused call: the norms, losses, weights and state of one step per call, bit for bit', async () => {
    const norms: number[][] = [[], []];
    const made = (k: number): Made => ({
      opt: (m) => new Adam(m.parameters(), { lr: 0.02 }),
      extra: {
        clipNorm: 0.05, // below most steps' norm: the clipping is real
        callbacks: [{ onStep: ({ gradNorm }) => norms[k].push(gradNorm ?? Number.NaN) }],
      },
    });
    const one = await trainRegressor(1, made(0));
    const four = await trainRegressor(4, made(1));
    // a plain step with clipNorm is one graph (the norm is computed in it and read with the
    // loss, asynchronously): 18 runs for 18 steps; fused, two calls per epoch and each epoch's
    // smaller last batch as one plain step
    expect(one.calls).toBe(18);
    expect(four.calls).toBe(6);
    expect(norms[1]).toHaveLength(18);
    expect(norms[0].filter((n) => n > 0.05).length).toBeGreaterThan(9);
    // both clip with clipGradNormOps in the graph, the fused step inside the loop body
    expect(norms[1]).toEqual(norms[0]);
    expect(ok(four.fit).trainLoss).toEqual(ok(one.fit).trainLoss);
    expect(four.weights).toEqual(one.weights);
    expect(four.state).toEqual(one.state);
  });

  // Clipping that takes effect at every step, for an optimizer with and without a separate first
  // step, grouped into calls of several sizes: any grouping gives the bits of one step per call.
  const clipped: [string, Made['opt'], Partial<FitOptions<unknown>>][] = [
    ['Adam', (m) => new Adam(m.parameters(), { lr: 0.02 }), { clipValue: 0.002 }],
    [
      'SGD with momentum',
      (m) => new SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }),
      { clipNorm: 0.01 },
    ],
    [
      'SGD with momentum',
      (m) => new SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }),
      { clipValue: 0.002 },
    ],
  ];
  for (const [name, opt, clip] of clipped) {
    it(`${name} with ${JSON.stringify(clip)}: 2, 3 and 8 steps per call give the bits of one`, async () => {
      const norms = new Map<number, number[]>();
      const made = (k: number): Made => ({
        opt,
        extra: {
          ...clip,
          callbacks: [{ onStep: ({ gradNorm }) => norms.get(k)?.push(gradNorm ?? 0) }],
        },
      });
      const run = (k: number) => {
        norms.set(k, []);
        return trainRegressor(k, made(k));
      };
      const one = await run(1);
      // the clipping is real: without it the weights differ
      const unclipped = await trainRegressor(1, { opt });
      expect(unclipped.weights).not.toEqual(one.weights);
      if (clip.clipNorm) expect(norms.get(1)?.every((n) => n > clip.clipNorm!)).toBe(true);
      for (const k of [2, 3, 8]) {
        const r = await run(k);
        expect(r.calls).toBeLessThan(one.calls);
        expect(norms.get(k)).toEqual(norms.get(1));
        expect(ok(r.fit).trainLoss).toEqual(ok(one.fit).trainLoss);
        expect(r.weights).toEqual(one.weights);
        expect(r.state).toEqual(one.state);
      }
    });
  }

  it('ends blocks at validation steps', async () => {
    const made: Made = {
      opt: (m) => new Adam(m.parameters(), { lr: 0.02 }),
      extra: { validateEvery: 3, validation: windowSource(windows(2, 4)) },
    };
    const one = await trainRegressor(1, made);
    const four = await trainRegressor(4, made);
    const at = (r: typeof one) => ok(r.fit).validation;
    expect(at(four).map((v) => v.step)).toEqual([3, 6, 9, 12, 15, 18]);
    close([at(four).map((v) => v.loss)], [at(one).map((v) => v.loss)], 1e-6);
  });

  it('runs one step per call, with a notice, when the step reads a value on the host', async () => {
    const logged: string[] = [];
    const made: Made = {
      opt: (m) => new Adam(m.parameters(), { lr: 0.02 }),
      extra: { progress: { update() {}, log: (m: string) => logged.push(m), stop() {} } },
    };
    // the loss reads its value mid-step (peek), which a traced loop body cannot do
    const one = await trainRegressor(1, made, 9, undefined, true);
    const four = await trainRegressor(4, made, 9, undefined, true);
    expect(logged.join('\n')).toMatch(
      /could not be traced as a loop body \(compile: a tensor was read back inside a scan step/,
    );
    expect(four.calls).toBe(one.calls);
    expect(four.weights).toEqual(one.weights);
  });

  it('rejects a stepsPerCall that is not a whole number of steps', async () => {
    const err = await trainRegressor(0.5, { opt: (m) => new Adam(m.parameters()) });
    expect((err.fit as Error).message).toMatch(/stepsPerCall must be a whole number of steps/);
  });
});

const V = 11;
/** Contiguous streams: every batch [2, 6] of token ids. */
function tokens(n: number) {
  const r = new Rng(9);
  const bs = Array.from({ length: n }, () => ({
    x: Int32Array.from({ length: 12 }, () => Math.floor(r.random() * V)),
    y: Int32Array.from({ length: 12 }, () => Math.floor(r.random() * V)),
  }));
  return {
    numBatches: () => bs.length,
    *batches() {
      for (const b of bs)
        yield { x: tensor(b.x, [2, 6], 'int32'), y: tensor(b.y, [2, 6], 'int32') };
    },
  };
}

async function trainCharLM(stepsPerCall: number, dropout = 0, hiddenSize = 8) {
  const model = new CharLM({ vocabSize: V, hiddenSize, cell: 'lstm', dropout, rng: new Rng(1) });
  const optimizer = new Adam(model.parameters(), { lr: 0.05 });
  const logged: string[] = [];
  const before = runs();
  const tensors = memory().numTensors;
  const fit = await new Trainer().fit({
    model,
    optimizer,
    loss: (b: { x: Tensor; y: Tensor }, carry: Carry | undefined) => {
      const { logits, state } = model.forward(b.x, carry as LayerState | undefined);
      return { loss: crossEntropy(logits, b.y), carry: { h: state.h, c: state.c } };
    },
    train: tokens(7),
    tbptt: true,
    stepsPerCall,
    progress: { update() {}, log: (m: string) => logged.push(m), stop() {} },
  });
  return {
    losses: fit.trainLoss.map((l) => l.loss),
    weights: model.parameters().map((p) => Array.from(p.dataSync())),
    calls: runs() - before,
    logged,
    // the Adam buffers stay (m and v per parameter); nothing else may
    grew: memory().numTensors - tensors - 2 * model.parameters().length,
  };
}

describe('stepsPerCall with a carried state (truncated BPTT)', () => {
  it('carries the LSTM state through and across fused calls as single steps do', async () => {
    const one = await trainCharLM(1);
    const three = await trainCharLM(3);
    // blocks of 3 batches: the first step alone (no state to carry yet) and the next two in one
    // call, then batches 4-6 in one call, and the seventh, a block of one, alone
    expect(three.calls).toBe(4);
    close([three.losses], [one.losses], 1e-6);
    close(three.weights, one.weights, 1e-6);
    expect(three.grew).toBe(0);
    expect(one.grew).toBe(0);
  });

  it("gives each fused step's loops the same passes as a single step's (they sit in a loop body)", async () => {
    const built: BuiltGraph[] = [];
    const get = be.graphs.get.bind(be.graphs);
    be.graphs.get = (sig, build) =>
      get(sig, () => {
        const b = build();
        built.push(b);
        return b;
      });
    try {
      await trainCharLM(3, 0, 10); // a size no other test built graphs for
    } finally {
      be.graphs.get = get;
    }
    const scans = (g: GraphProto) => g.node.filter((n) => n.op_type === 'Scan');
    const body = (n: GraphProto['node'][number]) => n.attribute!.find((a) => a.name === 'body')!.g!;
    const ops = (g: GraphProto) => g.node.map((n) => n.op_type).join(' ');
    const graphs = built.map((b) => decodeModel(b.model).graph!);
    // a fused call: one loop over the batches whose body holds the step's loops
    const fused = graphs.find((g) => scans(g).some((s) => scans(body(s)).length > 0))!;
    const inner = scans(fused).flatMap((s) => scans(body(s)));
    // the last step ran alone with a carried state: the same loops at the top level
    const single = graphs.at(-1)!;
    const plain = scans(single);
    expect(inner.length).toBe(2); // forward and backward through time
    expect(inner.map((s) => ops(body(s))).sort()).toEqual(plain.map((s) => ops(body(s))).sort());
  });

  it('falls back to one step per call, with a notice, when the step draws dropout masks', async () => {
    const one = await trainCharLM(1, 0.3);
    const three = await trainCharLM(3, 0.3);
    expect(three.logged.join('\n')).toMatch(/host random numbers \(dropout\)/);
    expect(three.calls).toBe(7);
    expect(three.losses).toEqual(one.losses);
    expect(three.weights).toEqual(one.weights);
  });
});

describe('stepsPerCall and checkpoints', () => {
  it('a run stopped at a checkpoint and resumed ends where an uninterrupted run ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-fused-'));
    try {
      const run = async (maxSteps: number, resume?: ReturnType<typeof loadCheckpoint>) => {
        const model = new SequenceRegressor({
          cell: 'lstm',
          inputSize: 1,
          hiddenSize: 5,
          outputSize: 1,
          rng: new Rng(11),
        });
        const optimizer = new Adam(model.parameters(), { lr: 0.02 });
        const fit = await new Trainer().fit({
          model,
          optimizer,
          loss: (b: { x: Tensor; y: Tensor }) => mseLoss(model.forward(b.x), b.y),
          train: windowSource(windows(9)),
          epochs: 3,
          maxSteps,
          checkpoint: { dir, every: 6 },
          resume,
          progress: 'none',
          stepsPerCall: 4,
        });
        return { fit, weights: model.parameters().map((p) => Array.from(p.dataSync())) };
      };
      const whole = await run(27);
      const first = await run(14);
      expect(first.fit.steps).toBe(14);
      const rest = await run(27, loadCheckpoint(join(dir, 'last.safetensors')));
      expect(rest.fit.steps).toBe(27);
      close(rest.weights, whole.weights, 1e-6);
      close(
        [rest.fit.trainLoss.map((l) => l.loss)],
        [whole.fit.trainLoss.slice(14).map((l) => l.loss)],
        1e-6,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
