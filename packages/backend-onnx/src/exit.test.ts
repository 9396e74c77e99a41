import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RemoteRuntime } from './runtime/node/remote.js';

const dep = (name: string) =>
  new URL(`../node_modules/@rnnkit/${name}/dist/index.js`, import.meta.url).href;
const onnx = new URL('../dist/index.js', import.meta.url).href;

/**
 * A process that trains a char GRU (hidden 256: a small model did not show the fault) a few
 * steps with its graphs in the worker, then ends on its own with the worker holding sessions
 * and values.
 */
const script = `
import { Rng, registerBackend, tensor, useBackend } from '${dep('core')}';
import { CharLM } from '${dep('cells')}';
import { Adam, crossEntropy, Trainer } from '${dep('train')}';
import { createOnnxBackend } from '${onnx}';
registerBackend('onnx-worker', () => createOnnxBackend('onnx', { threads: 1, worker: true }));
useBackend('onnx-worker');
const model = new CharLM({ vocabSize: 65, hiddenSize: 256, cell: 'gru', rng: new Rng(3) });
const rng = new Rng(9);
const ids = () => tensor(Int32Array.from({ length: 100 }, () => Math.floor(rng.random() * 65)), [1, 100], 'int32');
await new Trainer().fit({
  model,
  optimizer: new Adam(model.parameters(), { lr: 0.01 }),
  train: { numBatches: () => 3, batches: () => [0, 1, 2].map(() => ({ x: ids(), y: ids() })) },
  loss: ({ x, y }) => crossEntropy(model.forward(x).logits, y),
  progress: 'none',
});
console.log('done');
`;

describe('process exit with graphs in the worker', () => {
  it('exits with status 0 (ONNX Runtime objects in the worker are released first)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-exit-'));
    const file = join(dir, 'main.mjs');
    writeFileSync(file, script);
    try {
      // before the worker released them at exit, every such run aborted with status 134
      for (let run = 0; run < 3; run++) {
        const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000 });
        expect(r.stderr).not.toMatch(/Napi|terminate called/);
        expect(r.stdout.trim()).toBe('done');
        expect(r.status).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('adds one exit hook for any number of workers', () => {
    const before = process.listenerCount('exit');
    const rts = [1, 2, 3].map(() => new RemoteRuntime({ threads: 1, providers: ['cpu'] }));
    expect(process.listenerCount('exit') - before).toBeLessThanOrEqual(1);
    for (const rt of rts) rt.dispose();
  });
});
