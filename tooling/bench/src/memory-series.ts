#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CharLM, type LayerState } from '@rnnkit/cells';
import {
  dispose,
  memory,
  Rng,
  setBackend,
  type Tensor,
  tensor,
  tidy,
  valueAndGrad,
} from '@rnnkit/core';
import { Adam, type BatchSource, type Carry, crossEntropy, Trainer } from '@rnnkit/train';
import * as tf from '@tensorflow/tfjs-core';
import '@rnnkit/backend-js';
import '@rnnkit/backend-tfjs';
import { parseCli } from './cli-options.js';

/**
 * Memory of a long training run, sampled every few steps after a full garbage collection: the
 * process's resident set (anonymous and file-backed), V8's heap (used and committed, and its old
 * space), memory outside the heap, the pages of the tfjs-wasm heap that hold data, and the live
 * tensor counts. A char LSTM (vocabulary 65, embedding 32, hidden 64, batch 16 × 32 steps, Adam,
 * state carried between batches) on seeded random tokens, so no data file is needed.
 *
 *   node tooling/bench/dist/memory-series.js --backend tfjs-wasm --steps 9000 --every 1000
 *   node tooling/bench/dist/memory-series.js --loop    # the same steps without the Trainer
 *
 * Figures in MB (2^20 bytes); one tab-separated row per sample.
 */

const USAGE = `
node tooling/bench/dist/memory-series.js [options]: a char LSTM trained on seeded random tokens,
memory printed every few steps after a full garbage collection (tab-separated, MB)

  --backend NAME   rnnkit backend (default tfjs-wasm)
  --steps N        training steps (default 9000)
  --every N        steps between rows (default 1000)
  --loop           a plain tidy/valueAndGrad loop instead of the Trainer
`;

const { values } = parseCli('memory-series', USAGE, {
  options: {
    backend: { type: 'string', default: 'tfjs-wasm' },
    steps: { type: 'string', default: '9000' },
    every: { type: 'string', default: '1000' },
    loop: { type: 'boolean', default: false },
  },
});
const STEPS = Number(values.steps);
const EVERY = Number(values.every);
if (!(Number.isInteger(STEPS) && STEPS > 0 && Number.isInteger(EVERY) && EVERY > 0))
  throw new Error('memory-series: --steps and --every must be whole numbers above 0');

const V = 65;
const B = 16;
const T = 32;

// A full collection before each sample; the flag only has to be set before the context is made.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const be = await setBackend(values.backend);
const model = new CharLM({
  cell: 'lstm',
  vocabSize: V,
  embeddingDim: 32,
  hiddenSize: 64,
  rng: new Rng(0),
  backend: be,
});
const optimizer = new Adam(model.parameters(), { lr: 0.002 });

interface TokenBatch {
  x: Tensor;
  y: Tensor;
}

function tokens(): BatchSource<TokenBatch> {
  const rng = new Rng(1);
  const ids = () => Int32Array.from({ length: B * T }, () => rng.int(V));
  return {
    numBatches: () => STEPS,
    batches() {
      return {
        *[Symbol.iterator]() {
          for (let k = 0; k < STEPS; k++)
            yield { x: tensor(ids(), [B, T], 'int32'), y: tensor(ids(), [B, T], 'int32') };
        },
      };
    },
  };
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(2);

/** Kilobytes of an `Rss…` line of /proc/self/status (Linux), as MB; '-' elsewhere. */
function procRss(field: string): string {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? mb(Number.parseInt(line.split(/\s+/)[1], 10) * 1024) : '-';
  } catch {
    return '-';
  }
}

/**
 * MB of tfjs-wasm heap pages (4 KiB) holding any non-zero byte. The heap starts zeroed and
 * freed memory is not cleared, so this is the part of the heap ever used: what it adds to the
 * resident set, which its fixed size (HEAPU8.length) does not show.
 */
function wasmUsed(): string {
  const w = tf.findBackend('wasm') as { wasm?: { HEAPU8: Uint8Array } } | undefined;
  if (!w?.wasm || !be.name.startsWith('tfjs')) return '-';
  const words = new Int32Array(w.wasm.HEAPU8.buffer);
  let pages = 0;
  for (let p = 0; p < words.length; p += 1024) {
    for (let i = p; i < p + 1024; i++) {
      if (words[i] !== 0) {
        pages++;
        break;
      }
    }
  }
  return `${mb(pages * 4096)}/${mb(w.wasm.HEAPU8.length)}`;
}

const t0 = performance.now();
console.log(
  `# ${values.backend}, ${values.loop ? 'manual loop' : 'Trainer.fit'}, ${STEPS} steps; MB`,
);
console.log(
  [
    'step',
    's',
    'rss',
    'rssAnon',
    'rssFile',
    'heapUsed',
    'heapTotal',
    'oldUsed',
    'oldCommitted',
    'external',
    'arrayBuffers',
    'wasmUsed/size',
    'tfTensors',
    'coreTensors',
  ].join('\t'),
);

function sample(step: number): void {
  gc();
  gc();
  const m = process.memoryUsage();
  const old = getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
  console.log(
    [
      step,
      ((performance.now() - t0) / 1000).toFixed(0),
      mb(m.rss),
      procRss('RssAnon'),
      procRss('RssFile'),
      mb(m.heapUsed),
      mb(m.heapTotal),
      old ? mb(old.space_used_size) : '-',
      old ? mb(old.space_size) : '-',
      mb(m.external),
      mb(m.arrayBuffers),
      wasmUsed(),
      be.name.startsWith('tfjs') ? tf.memory().numTensors : '-',
      memory().numTensors,
    ].join('\t'),
  );
}

const lossOf = (b: TokenBatch, carry: Carry | undefined) => {
  const { logits, state } = model.forward(b.x, carry as LayerState | undefined);
  return { loss: crossEntropy(logits, b.y), carry: { h: state.h, c: state.c } };
};

sample(0);
if (values.loop) {
  // Each batch from zero state: no carry to keep between the tidy scopes.
  let step = 0;
  for (const b of tokens().batches(0)) {
    tidy(() => {
      const { value, grads } = valueAndGrad(() => lossOf(b, undefined).loss, model.parameters());
      optimizer.step(grads);
      return value.item();
    });
    dispose([b.x, b.y]);
    if (++step % EVERY === 0) sample(step);
  }
} else {
  await new Trainer().fit({
    model,
    optimizer,
    loss: lossOf,
    train: tokens(),
    maxSteps: STEPS,
    tbptt: true,
    progress: 'none',
    callbacks: [{ onStep: ({ step }) => (step % EVERY === 0 ? sample(step) : undefined) }],
  });
}
