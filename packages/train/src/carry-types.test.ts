import '@rnnkit/backend-js';
import { CharLM } from '@rnnkit/cells';
import { Rng, type Tensor, tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { crossEntropy } from './losses.js';
import type { LossFn } from './trainer.js';

// The README's truncated-BPTT loss in TypeScript: the state a layer returns is the carry as it
// is. What this file checks is its type, so `pnpm typecheck` is the test that fails without it.
describe('a layer state as the carry', () => {
  it('type-checks as a LossFn and carries the state to the next batch', () => {
    const model = new CharLM({ vocabSize: 5, hiddenSize: 4, cell: 'lstm', rng: new Rng(0) });
    const loss: LossFn<{ x: Tensor; y: Tensor }> = (batch, carry) => {
      const { logits, state } = model.forward(batch.x, carry?.h && { h: carry.h, c: carry.c });
      return { loss: crossEntropy(logits, batch.y), carry: state };
    };
    const tokens = tensor(Int32Array.from([1, 2, 3]), [1, 3], 'int32');
    const first = loss({ x: tokens, y: tokens }, undefined);
    if (!('carry' in first) || !first.carry) throw new Error('the loss returned no carry');
    expect(first.carry.h?.shape).toEqual([1, 1, 4]);
    const second = loss({ x: tokens, y: tokens }, first.carry);
    expect('loss' in second && second.loss.shape).toEqual([]);
  });
});
