import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SequenceRegressor } from '@rnnkit/cells';
import { Rng, registerBackend, type Tensor, tensor, useBackend } from '@rnnkit/core';
import { Adam, type FitOptions, mseLoss, Trainer } from '@rnnkit/train';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OnnxBackend } from './backend.js';
import { createOnnxBackend } from './index.js';
import type { RemoteRuntime } from './runtime/node/remote.js';

// Without stepsPerCall the Trainer sizes its calls on a compiling backend by itself. The sizing
// may follow the clock, never the results: these runs train as one step per call does, their
// blocks end at every boundary, and a time limit or an abort waits at most one call.

let be: OnnxBackend;
beforeAll(() => {
  // graphs always run in the worker, which counts them
  registerBackend('onnx-auto', () => createOnnxBackend('onnx', { threads: 1, worker: true }));
  be = useBackend('onnx-auto') as OnnxBackend;
});
afterEach(() => {
  vi.useRealTimers();
});

const runs = () => (be.graphs.remote as RemoteRuntime | null)?.runs ?? 0;

/** Epochs of 9 batches [B, 5, 1] → [B, 1]: 8 of 4 windows and a last one of 3. */
function data(n = 9, seed = 3) {
  const r = new Rng(seed);
  const bs = Array.from({ length: n }, (_, k) => {
    const B = k === n - 1 ? 3 : 4;
    return {
      x: Float32Array.from({ length: B * 5 }, () => r.random() * 2 - 1),
      y: Float32Array.from({ length: B }, () => r.random()),
      B,
    };
  });
  let pulled = 0;
  return {
    /** Batches handed out so far. */
    pulled: () => pulled,
    numBatches: () => bs.length,
    *batches() {
      for (const b of bs) {
        pulled++;
        yield { x: tensor(b.x, [b.B, 5, 1]), y: tensor(b.y, [b.B, 1]) };
      }
    },
  };
}

type Batch = { x: Tensor; y: Tensor };

/**
 * Trains a small GRU regressor; `onLoss` runs each time the loss is built (once per step, or
 * once per fused block, where the step is traced). Each step's graph-run count at onStep groups
 * the steps into the Trainer's blocks: a block's steps are reported together, after its calls.
 */
async function train(extra: Partial<FitOptions<Batch>>, src = data(), onLoss = () => {}) {
  const model = new SequenceRegressor({
    cell: 'gru',
    inputSize: 1,
    hiddenSize: 6,
    outputSize: 1,
    rng: new Rng(7),
  });
  const optimizer = new Adam(model.parameters(), { lr: 0.02 });
  const at: number[] = [];
  const before = runs();
  const fit = await new Trainer().fit({
    model,
    optimizer,
    loss: (b: Batch) => {
      onLoss();
      return mseLoss(model.forward(b.x), b.y);
    },
    train: src,
    epochs: 3,
    progress: 'none',
    ...extra,
    callbacks: [...(extra.callbacks ?? []), { onStep: () => at.push(runs()) }],
  });
  return {
    fit,
    calls: runs() - before,
    blocks: blocksOf(at),
    weights: model.parameters().map((p) => Array.from(p.dataSync())),
    state: await optimizer.stateDict(),
  };
}

/** [first, last] step of each block, from each step's graph-run count at its onStep. */
function blocksOf(at: number[]): [number, number][] {
  const blocks: [number, number][] = [];
  at.forEach((r, i) => {
    if (i > 0 && r === at[i - 1]) blocks[blocks.length - 1][1] = i + 1;
    else blocks.push([i + 1, i + 1]);
  });
  return blocks;
}

describe('automatic steps per call on onnx', () => {
  it('trains as one step per call does, in fewer graph runs', async () => {
    const one = await train({ stepsPerCall: 1 });
    const auto = await train({});
    expect(auto.fit.steps).toBe(27);
    expect(one.calls).toBe(27);
    expect(auto.calls).toBeLessThan(27);
    expect(auto.blocks.some(([a, b]) => b > a)).toBe(true);
    expect(auto.fit.trainLoss).toEqual(one.fit.trainLoss);
    expect(auto.weights).toEqual(one.weights);
    expect(auto.state).toEqual(one.state);
  });

  it('with clipping at every step, trains as one step per call does, bit for bit', async () => {
    const norms: number[][] = [[], []];
    const clipped = (k: number): Partial<FitOptions<Batch>> => ({
      clipNorm: 0.01, // below every step's norm
      clipValue: 0.002,
      callbacks: [{ onStep: ({ gradNorm }) => norms[k].push(gradNorm ?? 0) }],
    });
    const one = await train({ ...clipped(0), stepsPerCall: 1 });
    const auto = await train(clipped(1));
    expect(auto.blocks.some(([a, b]) => b > a)).toBe(true);
    expect(norms[0].every((n) => n > 0.01)).toBe(true);
    expect(norms[1]).toEqual(norms[0]);
    expect(auto.fit.trainLoss).toEqual(one.fit.trainLoss);
    expect(auto.weights).toEqual(one.weights);
    expect(auto.state).toEqual(one.state);
  });

  it('ends its blocks at validation, checkpoints, epoch ends and maxSteps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-auto-'));
    try {
      const r = await train({
        validation: data(2, 5),
        validateEvery: 5,
        checkpoint: { dir, every: 4 },
        maxSteps: 23,
      });
      expect(r.fit.steps).toBe(23);
      expect(r.fit.stopReason).toBe('maxSteps');
      expect(r.fit.validation.map((v) => v.step)).toEqual([5, 10, 15, 20]);
      expect(r.blocks.some(([a, b]) => b > a)).toBe(true);
      // a boundary k ends a block: no block holds k and the step after it
      for (const [a, b] of r.blocks)
        for (let k = a; k < b; k++) {
          expect([k % 4, k % 5, k % 9]).not.toContain(0);
        }
      expect(r.blocks.at(-1)?.[1]).toBe(23);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('automatic steps per call and the clock', () => {
  // performance.now() is faked: each step "takes" STEP_MS, advanced when its loss is built, so the
  // block sizes follow the same clock the Trainer reads for `minutes`, and no real time matters.
  const STEP_MS = 20;
  /** The bound: progress, `minutes` and Ctrl-C wait at most about half a second. */
  const ANSWER_MS = 500;

  function fakeSteps() {
    vi.useFakeTimers({ toFake: ['performance'] });
    const src = data();
    let charged = 0;
    const charge = () => {
      vi.advanceTimersByTime((src.pulled() - charged) * STEP_MS);
      charged = src.pulled();
    };
    return { src, charge };
  }

  it('sizes calls to the budget and stops at a `minutes` limit within one call', async () => {
    const { src, charge } = fakeSteps();
    const start = performance.now();
    const r = await train({ epochs: undefined, minutes: 0.05 }, src, charge);
    const took = performance.now() - start;
    expect(r.fit.stopReason).toBe('minutes');
    expect(r.blocks.some(([a, b]) => b > a)).toBe(true);
    for (const [a, b] of r.blocks) expect((b - a + 1) * STEP_MS).toBeLessThanOrEqual(ANSWER_MS);
    expect(took).toBeGreaterThan(3000);
    expect(took).toBeLessThanOrEqual(3000 + ANSWER_MS);
  });

  it('stops on an abort within the call it came in', async () => {
    const { src, charge } = fakeSteps();
    const controller = new AbortController();
    let reported = 0;
    let reportedAtAbort = -1;
    const start = performance.now();
    const r = await train(
      { epochs: 20, signal: controller.signal, callbacks: [{ onStep: () => reported++ }] },
      src,
      () => {
        charge();
        if (reportedAtAbort < 0 && performance.now() - start >= 1000) {
          reportedAtAbort = reported;
          controller.abort();
        }
      },
    );
    expect(r.fit.stopReason).toBe('aborted');
    expect(r.blocks.some(([a, b]) => b > a)).toBe(true);
    // the abort came while the last block ran: the run stopped when that call ended
    const [first, last] = r.blocks.at(-1)!;
    expect(reportedAtAbort).toBe(first - 1);
    expect((last - first + 1) * STEP_MS).toBeLessThanOrEqual(ANSWER_MS);
  });
});
