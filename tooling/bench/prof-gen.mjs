import '@rnnkit/backend-tfjs';
import { CharLM } from '@rnnkit/cells';
import { setBackend, Rng, softmax, tensor, tidy } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
await setBackend(process.argv[2]);
const model = new CharLM({ vocabSize: 65, hiddenSize: 128, embeddingDim: 128, cell: 'lstm', rng: new Rng(0) });
model.eval();
const stepper = model.stepper();
for (let i = 0; i < 50; i++) tidy(() => softmax(stepper.step(tensor(Int32Array.of(3), [1], 'int32'))).dataSync());
const prof = await tf.profile(() => { tidy(() => softmax(stepper.step(tensor(Int32Array.of(3), [1], 'int32'))).dataSync()); });
console.log(prof.kernels.map(k => k.name).join(' '));
for (let r = 0; r < 4; r++) { const t0 = performance.now(); for (let i = 0; i < 1000; i++) tidy(() => softmax(stepper.step(tensor(Int32Array.of(3), [1], 'int32'))).dataSync());
console.log(process.argv[2], ((performance.now() - t0) / 1000 * 1000).toFixed(0), 'us/char'); }
process.exit(0);
