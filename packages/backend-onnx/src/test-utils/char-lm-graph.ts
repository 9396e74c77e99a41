import { CharLM } from '@rnnkit/cells';
import { compile, Rng, registerBackend, tensor, useBackend, valueAndGrad } from '@rnnkit/core';
import { decodeModel, type GraphProto } from '@rnnkit/onnx/format';
import { crossEntropy } from '@rnnkit/train';
import type { OnnxBackend } from '../backend.js';
import { createOnnxBackend } from '../index.js';

/**
 * The compiled graph of one training step (loss and gradients) of a small char LSTM (vocabulary
 * 11, embedding and hidden 8) on a [batch, time] batch, on a 1-thread `onnx` backend registered
 * as `name`. With more tokens than the vocabulary's 11, the embedding is folded into the LSTM's
 * input projection (cells' `forwardEmbedded`).
 */
export function charLstmStepGraph(name: string, batch: number, time: number): GraphProto {
  registerBackend(name, () => createOnnxBackend('onnx', { threads: 1 }));
  const be = useBackend(name) as OnnxBackend;
  const model = new CharLM({
    cell: 'lstm',
    vocabSize: 11,
    embeddingDim: 8,
    hiddenSize: 8,
    rng: new Rng(0),
  });
  const ids = (k: number) =>
    tensor(
      Int32Array.from({ length: batch * time }, (_, i) => (i * k) % 11),
      [batch, time],
      'int32',
    );
  const x = ids(7);
  const y = ids(3);
  compile(() => valueAndGrad(() => crossEntropy(model.forward(x).logits, y), model.parameters()))();
  return decodeModel(be.graphs.last!.model).graph!;
}
