import { getBackend, matmul, Rng, tensor } from '@rnnkit/core';
import { type BenchRow, clock, cpuShare, timeIt, type Workload } from '../harness.js';

const SHAPES: [number, number, number][] = [
  [32, 256, 512],
  [32, 512, 1024],
  [256, 256, 256],
];

/** matmul throughput (GFLOP/s) of the current backend at the shapes, all transpose flags. */
export const matmulWorkload: Workload = {
  name: 'matmul',
  description: 'm×k×n matrix product, single call, GFLOP/s (2·m·k·n per call)',
  async run(ctx) {
    const rows: BenchRow[] = [];
    const rng = new Rng(0);
    for (const [m, k, n] of SHAPES) {
      for (const [transA, transB] of [
        [false, false],
        [false, true],
        [true, false],
      ] as const) {
        const a = tensor(rng.uniformArray(m * k, -1, 1), transA ? [k, m] : [m, k]);
        const b = tensor(rng.uniformArray(k * n, -1, 1), transB ? [n, k] : [k, n]);
        const c0 = clock();
        const ms = timeIt(
          () => {
            const c = matmul(a, b, { transA, transB });
            if (getBackend().readSync) c.dataSync();
            c.dispose();
          },
          { minMs: ctx.quick ? 100 : 600 },
        );
        const flags = `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`;
        rows.push({
          workload: 'matmul',
          backend: ctx.backend,
          metric: `${m}x${k}x${n} ${flags}`,
          value: (2 * m * k * n) / (ms * 1e6),
          unit: 'GFLOP/s',
          notes: { ms, cpuShare: cpuShare(c0, clock()) },
        });
        a.dispose();
        b.dispose();
      }
    }
    return rows;
  },
};
