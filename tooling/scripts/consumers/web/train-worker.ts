// A new user's training worker, written from the READMEs only: a tiny CharLM trained a few steps
// on the backend the page asks for, then its checkpoint as bytes and its ONNX export. TypeScript,
// checked by tsconfig.json (moduleResolution "bundler", the browser's types) before the build.
import '@rnnkit/backend-js';
import '@rnnkit/backend-onnx/web';
import '@rnnkit/backend-tfjs';
import { CharLM } from '@rnnkit/cells';
import { Rng, setBackend } from '@rnnkit/core';
import { charTextData, fromString } from '@rnnkit/data';
import { exportOnnx } from '@rnnkit/onnx';
import {
  Adam,
  crossEntropy,
  decodeCheckpoint,
  encodeCheckpoint,
  modelTensors,
  Trainer,
} from '@rnnkit/train';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

setWasmPaths({
  'tfjs-backend-wasm.wasm': plain,
  'tfjs-backend-wasm-simd.wasm': simd,
  'tfjs-backend-wasm-threaded-simd.wasm': threaded,
});

async function train(backend: string) {
  await setBackend(backend);
  const corpus = fromString('the quick brown fox jumps over the lazy dog. '.repeat(40), 'fox');
  const data = charTextData(corpus, { batchSize: 4, seqLength: 16 });
  const rng = new Rng(0);
  const model = new CharLM({ vocabSize: data.vocabulary.size, hiddenSize: 16, cell: 'lstm', rng });
  const fit = await new Trainer().fit({
    model,
    optimizer: new Adam(model.parameters(), { lr: 0.01 }),
    loss: (batch, carry) => {
      const { logits, state } = model.forward(batch.x, carry?.h && { h: carry.h, c: carry.c });
      return { loss: crossEntropy(logits, batch.y), carry: state };
    },
    tbptt: true,
    train: data.train,
    maxSteps: 5,
    rngs: { model: rng },
    progress: 'none',
  });
  const bytes = encodeCheckpoint({
    model: await modelTensors(model),
    progress: { step: fit.steps, epoch: fit.epochs, batchInEpoch: 0 },
    config: { vocabulary: data.vocabulary.toJSON() },
  });
  const back = decodeCheckpoint(bytes, 'page checkpoint');
  const onnx = await exportOnnx(model);
  return {
    backend,
    steps: fit.steps,
    losses: fit.trainLoss.map((s) => s.loss),
    checkpointBytes: bytes.length,
    checkpointTensors: Object.keys(back.model).length,
    onnxBytes: onnx.length,
  };
}

self.onmessage = async ({ data }: MessageEvent<{ backend: string }>) => {
  try {
    self.postMessage(await train(data.backend));
  } catch (e) {
    self.postMessage({ backend: data.backend, error: String((e as Error)?.stack ?? e) });
  }
};
