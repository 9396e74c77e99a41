import '@rnnkit/backend-js';
import { join } from 'node:path';
import { keep, tensor, valueAndGrad } from '@rnnkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpoint } from './checkpoint.js';
import { mseLoss } from './losses.js';
import { SGD } from './optim/sgd.js';
import { tempDir } from './test-utils/helpers.js';
import { type StreamBatch, StreamModel, streamData, weights } from './test-utils/sine.js';
import { type Carry, type FitOptions, type LossFn, Trainer } from './trainer.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

const LR = 0.1;
const CHUNKS = 4;

interface Seen {
  h: number[];
  c: number[];
  shape: number[];
}

/** Host copies of a carried state, read asynchronously: the reads are issued at the call. */
async function seenOf(carry: Carry): Promise<Seen> {
  const [h, c] = await Promise.all([carry.h!.data(), carry.c!.data()]);
  return { h: Array.from(h, Number), c: Array.from(c, Number), shape: [...carry.h!.shape] };
}

/** The stream loss, recording the state each call receives (host copies, or undefined). */
function streamLoss(model: StreamModel, seen: (Promise<Seen> | undefined)[]): LossFn<StreamBatch> {
  return (b, carry) => {
    seen.push(carry && seenOf(carry));
    const out = model.forward(b.x, carry);
    return { loss: mseLoss(out.y, b.y), carry: out.carry };
  };
}

async function fitStream(tbptt: boolean, extra: Partial<FitOptions<StreamBatch>> = {}) {
  const model = new StreamModel(11);
  const optimizer = new SGD(model.parameters(), { lr: LR });
  const reads: (Promise<Seen> | undefined)[] = [];
  const result = await new Trainer().fit({
    model,
    optimizer,
    loss: streamLoss(model, reads),
    train: streamData(2, 5, CHUNKS),
    tbptt,
    progress: 'none',
    ...extra,
  });
  return { model, optimizer, seen: await Promise.all(reads), result };
}

/**
 * The truncated-BPTT reference, by hand: each chunk starts from the previous chunk's final state
 * as a new constant tensor (so no gradient can reach the previous chunk), plain SGD updates.
 */
async function manualTbptt(epochs: number) {
  const model = new StreamModel(11);
  const opt = new SGD(model.parameters(), { lr: LR });
  const losses: number[] = [];
  const finals: { h: number[]; c: number[] }[] = [];
  for (let e = 0; e < epochs; e++) {
    let prev: { h: Float32Array; c: Float32Array; shape: number[] } | undefined;
    for (const b of streamData(2, 5, CHUNKS).batches(e)) {
      let next: Carry = {};
      const { value, grads } = valueAndGrad(() => {
        const carry = prev && {
          h: tensor(prev.h, prev.shape),
          c: tensor(prev.c, prev.shape),
        };
        const out = model.forward(b.x, carry);
        next = { h: keep(out.carry.h!), c: keep(out.carry.c!) };
        return mseLoss(out.y, b.y);
      }, model.parameters());
      losses.push((await value.data())[0]);
      opt.step(grads);
      const h = (await next.h!.data()) as Float32Array;
      const c = (await next.c!.data()) as Float32Array;
      prev = { h: h.slice(), c: c.slice(), shape: [...next.h!.shape] };
      finals.push({ h: Array.from(h), c: Array.from(c) });
    }
  }
  return { model, losses, finals };
}

describe('truncated BPTT (tbptt: true)', () => {
  it('feeds each batch the final state of the previous one, detached, as a hand-written reference does', async () => {
    const { model, seen, result } = await fitStream(true);
    const ref = await manualTbptt(1);
    expect(seen).toHaveLength(CHUNKS);
    expect(seen[0]).toBeUndefined();
    for (let i = 1; i < CHUNKS; i++) {
      expect(seen[i]?.shape, `batch ${i}`).toEqual([1, 2, 4]);
      // Exactly the previous batch's final (h, c), computed before that batch's update.
      expect(seen[i]?.h, `h into batch ${i}`).toEqual(ref.finals[i - 1].h);
      expect(seen[i]?.c, `c into batch ${i}`).toEqual(ref.finals[i - 1].c);
    }
    // Same losses and weights bit for bit: the gradient of each chunk stops at its initial state.
    expect(result.trainLoss.map((l) => l.loss)).toEqual(ref.losses);
    expect(await weights(model)).toEqual(await weights(ref.model));
  });

  it('detaching matters here: backpropagating into the previous chunk would give other gradients', async () => {
    // Chunk 2's gradient at the initial weights, with chunk 1's state detached and not detached.
    const model = new StreamModel(11);
    const [b0, b1] = [...streamData(2, 5, CHUNKS).batches(0)];
    const gradsOf = async (detach: boolean) => {
      // detached: chunk 1's state computed before the tape records, a constant to it
      const before = detach ? model.forward(b0.x).carry : undefined;
      const { grads } = valueAndGrad(() => {
        const carry: Carry = before ?? model.forward(b0.x).carry;
        return mseLoss(model.forward(b1.x, carry).y, b1.y);
      }, model.parameters());
      return Promise.all(grads.map(async (g) => Array.from(await g.data(), Number)));
    };
    const detached = await gradsOf(true);
    const full = await gradsOf(false);
    // weightIh and weightHh receive gradient through the carried state when it is not detached.
    expect(full[0]).not.toEqual(detached[0]);
    expect(full[1]).not.toEqual(detached[1]);
  });

  it('starts every epoch from a fresh state', async () => {
    const { seen, result } = await fitStream(true, { epochs: 2 });
    expect(seen).toHaveLength(2 * CHUNKS);
    expect(seen[0]).toBeUndefined();
    expect(seen[CHUNKS]).toBeUndefined();
    expect(seen.filter((s) => s === undefined)).toHaveLength(2);
    const ref = await manualTbptt(2);
    expect(result.trainLoss.map((l) => l.loss)).toEqual(ref.losses);
  });

  it('a run resumed mid-stream restores the carried state from the checkpoint', async () => {
    const full = await fitStream(true);
    const ckptDir = join(dir, 'ckpt');
    await fitStream(true, { maxSteps: 2, checkpoint: { dir: ckptDir } });
    const saved = loadCheckpoint(join(ckptDir, 'last.safetensors'));
    expect(Object.keys(saved.carry ?? {}).sort()).toEqual(['c', 'h']);
    expect(Array.from(saved.carry!.h.data)).toEqual(full.seen[2]?.h);
    const resumed = await fitStream(true, { resume: saved });
    expect(resumed.seen[0]).toEqual(full.seen[2]);
    expect(resumed.result.trainLoss).toEqual(full.result.trainLoss.slice(2));
    expect(await weights(resumed.model)).toEqual(await weights(full.model));
  });
});

describe('without tbptt', () => {
  it('every batch receives undefined, even when the loss returns a state', async () => {
    const { seen, result } = await fitStream(false, { epochs: 2 });
    expect(seen).toHaveLength(2 * CHUNKS);
    expect(seen.every((s) => s === undefined)).toBe(true);
    // …and so it trains differently from the carried run.
    const carried = await fitStream(true, { epochs: 2 });
    expect(result.trainLoss.map((l) => l.loss)).not.toEqual(
      carried.result.trainLoss.map((l) => l.loss),
    );
  });

  it('a checkpoint of a run without tbptt holds no carried state', async () => {
    const ckptDir = join(dir, 'nocarry');
    await fitStream(false, { maxSteps: 2, checkpoint: { dir: ckptDir } });
    expect(loadCheckpoint(join(ckptDir, 'last.safetensors')).carry).toEqual({});
  });
});
