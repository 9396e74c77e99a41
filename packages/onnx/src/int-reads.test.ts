import { createJsBackend } from '@rnnkit/backend-js';
import { memory, sum, useBackend, valueAndGrad, withoutSyncReads } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { DataType, GraphBuilder } from './builder.js';
import { importOnnx } from './import.js';

// A graph that computes integers as floats: Gather's indices are a float input scaled and Cast to
// int64, so the values must be read back in the middle of the graph. run() reads them with await,
// on every backend; runSync() reads them synchronously, where the backend can.
const js = useBackend('js');
const noSync = withoutSyncReads(createJsBackend());

function castGraph(): Uint8Array {
  const b = new GraphBuilder('cast');
  const pos = b.input('pos', DataType.FLOAT, [3]);
  const table = b.float(
    'table',
    [5, 2],
    Float32Array.from({ length: 10 }, (_, i) => Math.sin(i + 1)),
  );
  const half = b.float('half', [], Float32Array.of(0.5));
  const idx = b.op('Cast', [b.op('Mul', [pos, half])], { to: DataType.INT64 });
  const rows = b.op('Gather', [table, idx], { axis: 0 });
  b.output('rows', DataType.FLOAT, [3, 2], b.op('Tanh', [rows]));
  return b.encode();
}

const feeds = { pos: { data: [8, 2, 5], shape: [3] } };

describe('integers computed as floats', () => {
  it('run reads them with await on a backend without synchronous reads, as js does', async () => {
    const onJs = await importOnnx(castGraph(), { backend: js }).run(feeds);
    const model = importOnnx(castGraph(), { backend: noSync });
    const before = memory().numTensors;
    const there = await model.run(feeds);
    // only the output outlives the run: what the stretches before the read left is disposed
    expect(memory().numTensors).toBe(before + 1);
    expect(there.rows.backend).toBe(noSync);
    expect(Array.from(await there.rows.data())).toEqual(Array.from(onJs.rows.dataSync()));
    // rows 4, 1 and 2 of the table (8·0.5, 2·0.5, 5·0.5 truncated)
    const table = await model.initializers.namedParameters()[0][1].data();
    expect(Array.from(await there.rows.data())).toEqual(
      [4, 1, 2].flatMap((r) => [
        Math.fround(Math.tanh(table[2 * r])),
        Math.fround(Math.tanh(table[2 * r + 1])),
      ]),
    );
  });

  it('runSync needs a synchronous read for them, and says to use run where there is none', async () => {
    const m = importOnnx(castGraph(), { backend: noSync });
    expect(() => m.runSync(feeds)).toThrow(
      "OnnxModel.runSync: backend 'js-async-reads' cannot read synchronously (reads are asynchronous by contract); this model computes integers (shapes, indices) as float tensors, which are read back where they are used: use await model.run(feeds), which reads them with await",
    );
    // on js, runSync is the pass a loss inside valueAndGrad uses: the table gets its gradient
    const onJs = importOnnx(castGraph(), { backend: js });
    const table = onJs.initializers.parameters();
    const { grads } = valueAndGrad(() => sum(onJs.runSync(feeds).rows), table);
    expect(grads[0].shape).toEqual([5, 2]);
    const g = grads[0].dataSync();
    expect([0, 3].map((r) => g[2 * r])).toEqual([0, 0]);
    expect([1, 2, 4].every((r) => g[2 * r] !== 0)).toBe(true);
  });
});
