import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * How far apart two of this machine's cores are: the round trip, in nanoseconds, of a value
 * handed back and forth between two threads spinning on one shared word. On the 2-core VM it was
 * 116–144 ns at some times and 341–361 ns at others (the host places the VM's cores on its own as
 * it likes, and moves them); at the slow times ONNX Runtime's 2-thread char-lstm steps took
 * 16.5–18 ms instead of 11.8–13.9, with the same work on both threads. Where two threads hand work
 * to each other many times a step, their throughput depends on this more than on the cores' speed,
 * so the bench reports it beside 2-thread figures.
 */
export async function coreRoundTripNs(budgetMs = 50): Promise<number | undefined> {
  // one core: the two threads would take turns on it, and the figure would be the scheduler's
  if (cpus().length < 2) return undefined;
  const word = new Int32Array(new SharedArrayBuffer(4));
  // -2 until the echo runs: it clears the word when it starts
  Atomics.store(word, 0, -2);
  // The echo answers every odd value with the next even one, and stops at -1.
  const echo = new Worker(
    `const { workerData } = require('node:worker_threads');
     const a = new Int32Array(workerData);
     Atomics.store(a, 0, 0);
     for (;;) {
       const v = Atomics.load(a, 0);
       if (v === -1) break;
       if (v % 2 === 1) Atomics.store(a, 0, v + 1);
     }`,
    { eval: true, workerData: word.buffer },
  );
  try {
    const ready = performance.now();
    while (Atomics.load(word, 0) !== 0) {
      if (performance.now() - ready > 5000) return undefined;
      await new Promise((r) => setTimeout(r, 1));
    }
    const start = performance.now();
    let trips = 0;
    // handed over in batches, the clock read between batches: a trip is a few hundred ns
    while (performance.now() - start < budgetMs) {
      for (let i = 0; i < 100; i++) {
        const odd = 2 * trips + 1;
        Atomics.store(word, 0, odd);
        while (Atomics.load(word, 0) === odd);
        trips++;
      }
    }
    return ((performance.now() - start) * 1e6) / trips;
  } finally {
    Atomics.store(word, 0, -1);
    await echo.terminate();
  }
}
