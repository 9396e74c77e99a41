// Writes model.onnx (a 1-layer LSTM exported by @rnnkit/onnx) for the rnnkit-onnx CLI checks.
import '@rnnkit/backend-js';
import { writeFileSync } from 'node:fs';
import { LSTM } from '@rnnkit/cells';
import { Rng } from '@rnnkit/core';
import { exportOnnx } from '@rnnkit/onnx';

writeFileSync(
  'model.onnx',
  await exportOnnx(new LSTM({ inputSize: 2, hiddenSize: 4, rng: new Rng(0) })),
);
