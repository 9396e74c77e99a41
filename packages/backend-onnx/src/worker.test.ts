import { CharLM } from '@rnnkit/cells';
import {
  compile,
  dispose,
  gather,
  matmul,
  Rng,
  registerBackend,
  sum,
  type Tensor,
  tanh,
  tensor,
  useBackend,
} from '@rnnkit/core';
import { Adam, crossEntropy, Trainer } from '@rnnkit/train';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OnnxBackend } from './backend.js';
import { LARGE_GRAPH_BYTES } from './graph/graph-cache.js';
import { createOnnxBackend } from './index.js';
import type { RemoteRuntime } from './runtime/node/remote.js';
import { NO_LOOPS } from './runtime/protocol.js';

let inWorker: OnnxBackend;
let inThread: OnnxBackend;
beforeAll(() => {
  registerBackend('onnx-worker', () => createOnnxBackend('onnx', { threads: 1, worker: true }));
  registerBackend('onnx-thread', () => createOnnxBackend('onnx', { threads: 1, worker: false }));
  inWorker = useBackend('onnx-worker') as OnnxBackend;
  inThread = useBackend('onnx-thread') as OnnxBackend;
});

const V = 11;
const T = 12;
const B = 3;

/** Trains a small char model for `steps` steps on `name`; returns the losses and the trainer. */
async function train(name: string, steps: number, onStep?: (step: number) => void) {
  useBackend(name);
  const model = new CharLM({ vocabSize: V, hiddenSize: 16, cell: 'lstm', rng: new Rng(3) });
  const data = new Rng(9);
  const batches = Array.from({ length: steps }, () => ({
    x: Int32Array.from({ length: B * T }, () => Math.floor(data.random() * V)),
    y: Int32Array.from({ length: B * T }, () => Math.floor(data.random() * V)),
  }));
  const fit = await new Trainer().fit({
    model,
    optimizer: new Adam(model.parameters(), { lr: 0.01 }),
    train: {
      numBatches: () => batches.length,
      batches: () =>
        batches.map((b) => ({
          x: tensor(b.x, [B, T], 'int32'),
          y: tensor(b.y, [B, T], 'int32'),
        })),
    },
    loss: ({ x, y }: { x: Tensor; y: Tensor }) => crossEntropy(model.forward(x).logits, y),
    progress: 'none',
    // one graph a step, whatever the timing (the tests count runs)
    stepsPerCall: 1,
    callbacks: onStep ? [{ onStep: ({ step }) => onStep(step) }] : [],
  });
  const weights = model.parameters().map((p) => Array.from(p.dataSync()));
  return { losses: fit.trainLoss.map((l) => l.loss), weights };
}

const runtime = (be: OnnxBackend) => be.graphs.remote as RemoteRuntime;

/** A compiled graph of `k` chained products tanh(y·x) with a 512² matrix x (on the current backend). */
function chainedProducts(k: number) {
  const n = 512;
  const x = tensor(
    Float32Array.from({ length: n * n }, (_, i) => ((i % 7) - 3) / 100),
    [n, n],
  );
  const heavy = compile(() => {
    let y = x;
    for (let i = 0; i < k; i++) y = tanh(matmul(y, x));
    return sum(y);
  });
  return { x, heavy };
}

describe('compiled graphs on the worker thread', () => {
  it('train to the same losses and weights, bit for bit, as on the calling thread', async () => {
    const a = await train('onnx-worker', 8);
    const b = await train('onnx-thread', 8);
    expect(a.losses).toEqual(b.losses);
    expect(a.weights).toEqual(b.weights);
    expect(runtime(inWorker).runs).toBe(8); // one graph a step: update included
    expect(inThread.graphs.remote).toBeNull();
  });

  it('leave the event loop free while a graph runs', async () => {
    useBackend('onnx-worker');
    // 24 chained 512² products: hundreds of milliseconds of work in the worker. (A single
    // timeout against 6 products flaked on a loaded machine: a main thread woken late in the
    // event loop's poll phase takes the worker's reply before the timers it is also due.)
    const { x, heavy } = chainedProducts(24);
    heavy(); // first call: builds the session
    let ticks = 0;
    const s = heavy();
    const timer = setInterval(() => ticks++, 0);
    const v = await s.data();
    clearInterval(timer);
    expect(Number.isFinite(v[0])).toBe(true);
    // the compiled call returned before its graph ran, so timers fired while it computed
    expect(ticks).toBeGreaterThan(0);
    dispose([x, s]);
  });

  it('let timers run while Trainer.fit trains (the progress bar redraws, Ctrl-C is heard)', async () => {
    // fit never yields to the event loop by itself (no signal given): only the awaited losses do
    let fired = 0;
    const timer = setInterval(() => fired++, 0);
    await train('onnx-worker', 3);
    clearInterval(timer);
    expect(fired).toBeGreaterThan(0);
  });

  it("'auto' (the default) keeps quick graphs on the calling thread and moves to the worker after a slow one", async () => {
    registerBackend('onnx-auto', () => createOnnxBackend('onnx', { threads: 1 }));
    const be = useBackend('onnx-auto') as OnnxBackend;
    expect(be.config.worker).toBe('auto');
    const x = tensor(Float32Array.of(1, 2, 3, 4), [2, 2]);
    const quick = compile(() => sum(matmul(x, x)));
    for (let i = 0; i < 5; i++) dispose(quick());
    expect(be.graphs.inWorker).toBe(false);
    expect(be.graphs.remote).toBeNull(); // no worker started
    // 48 chained 512² products: 13 GFLOP, well over the 50 ms that moves runs to the worker
    const { x: big, heavy } = chainedProducts(48);
    const before = heavy(); // on this thread, slow: later runs go to the worker
    expect(be.graphs.inWorker).toBe(true);
    const after = heavy();
    expect(after.storage).toMatchObject({ remote: { id: expect.any(Number) } });
    expect(await after.data()).toEqual(await before.data());
    expect(quick().item()).toBe(7 + 10 + 15 + 22);
    dispose([x, big, before, after]);
  });

  it("'auto' runs a graph with 16 MiB of inputs in the worker from its first run, its inputs moved there", async () => {
    registerBackend('onnx-auto-large', () => createOnnxBackend('onnx', { threads: 1 }));
    const be = useBackend('onnx-auto-large') as OnnxBackend;
    const f = compile((x: Tensor) => sum(x));
    // one value under the limit stays here; asked of the cache directly, since a run that reads
    // 16 MiB may take 50 ms on a busy machine, which moves runs to the worker by the clock
    const graph = (inputBytes: number) => ({
      ...NO_LOOPS,
      model: new Uint8Array(0),
      inputs: [],
      outputs: [],
      inputBytes,
    });
    be.graphs.weigh(graph(LARGE_GRAPH_BYTES - 4));
    expect(be.graphs.inWorker).toBe(false);
    const large = tensor(new Float32Array(LARGE_GRAPH_BYTES >> 2).fill(1));
    const l = f(large);
    expect(be.graphs.inWorker).toBe(true);
    expect(l.storage).toMatchObject({ remote: { id: expect.any(Number) } });
    // the input went with the run: nothing of it is left on this thread
    expect(large.storage).toMatchObject({ data: null, remote: { id: expect.any(Number) } });
    expect(await l.data()).toEqual(Float32Array.of(large.size));
    dispose([large, l]);
  });

  it('runs a graph on the calling thread when asked to (the result is there on return)', async () => {
    useBackend('onnx-thread');
    const x = tensor(Float32Array.of(1, 2, 3, 4), [2, 2]);
    const s = compile(() => sum(matmul(x, x)))();
    expect(s.storage).toMatchObject({ remote: null });
    expect(s.item()).toBe(7 + 10 + 15 + 22);
    dispose([x, s]);
  });

  it('frees what training no longer holds: the worker keeps the same number of values', async () => {
    const held: number[] = [];
    await train('onnx-worker', 40, (step) => {
      if (step === 10 || step === 40) held.push(runtime(inWorker).stats().values);
    });
    expect(held[1]).toBe(held[0]);
  });

  it('a graph that fails in the worker throws when read, with the reason; the worker goes on', async () => {
    useBackend('onnx-worker');
    const t = tensor([1, 2, 3, 4], [2, 2]);
    const i = tensor(Int32Array.from([0, 5]), [2], 'int32');
    const bad = compile(() => sum(gather(t, i)))(); // returns: the run has only been posted
    await expect(bad.data()).rejects.toThrow(/indices element out of data bounds, idx=5/);
    expect(() => compile(() => sum(gather(t, i)))().item()).toThrow(/out of data bounds/);
    expect(compile(() => sum(t))().item()).toBe(10);
    dispose([t, i, bad]);
  });

  it('reads a value synchronously (item) and after the event loop (data) alike', async () => {
    useBackend('onnx-worker');
    const x = tensor(Float32Array.of(0.5, -1, 2), [3]);
    const s = compile(() => sum(tanh(x)))();
    const want = Math.fround(Math.tanh(0.5) + Math.tanh(-1) + Math.tanh(2));
    expect(s.item()).toBeCloseTo(want, 6);
    const t = compile(() => sum(tanh(x)))();
    expect((await t.data())[0]).toBeCloseTo(want, 6);
    dispose([x, s, t]);
  });
});
