import { createJsBackend } from '@rnnkit/backend-js';
import {
  Parameter,
  registerBackend,
  setBackend,
  tensor,
  useBackend,
  withoutSyncReads,
} from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { sineFitOptions } from '../test-utils/fit-options.js';
import { Trainer } from '../trainer.js';
import { Adam } from './adam.js';

// An optimizer's state follows its parameters after a move. Leaving a backend that cannot read
// synchronously (reads are asynchronous by contract) takes an await: followParameters.
const noSync = withoutSyncReads(createJsBackend());
const js = createJsBackend();
registerBackend('js-async-reads', () => noSync, { priority: -100 });

describe('optimizer state after its parameters moved off a backend without synchronous reads', () => {
  it('a step names followParameters; after it the state is on the new backend', async () => {
    const p = new Parameter(tensor([1, 2], [2], 'float32', noSync));
    const opt = new Adam([p], { lr: 0.1 });
    opt.step([tensor([0.5, -0.5], [2], 'float32', noSync)]);
    const before = await opt.stateDict();
    await p.moveTo(js);
    const grad = () => tensor([0.5, -0.5], [2], 'float32', js);
    expect(() => opt.step([grad()])).toThrow(
      "Adam: the 'm' state of parameter 0 is on backend 'js-async-reads', which cannot read synchronously, and its parameter on 'js'; after model.to(...) call await optimizer.followParameters() before the next step",
    );
    expect(opt.stepCount).toBe(1); // the refused step changed nothing
    await opt.followParameters();
    expect(await opt.stateDict()).toEqual(before); // moved unchanged
    opt.step([grad()]);
    expect(opt.stepCount).toBe(2);
  });

  it('Trainer.fit moves the state itself', async () => {
    const o = sineFitOptions(); // built on the selected backend, 'js'
    try {
      // the batches are made on the selected backend: train there, then back on 'js'
      await o.model.to(await setBackend('js-async-reads'));
      await new Trainer().fit(o);
    } finally {
      useBackend('js');
    }
    await o.model.to('js');
    const r = await new Trainer().fit(o);
    expect(r.steps).toBe(3);
    expect((await o.optimizer.stateDict()).stepCount).toBe(6);
    expect(o.model.parameters().every((q) => q.backend.name === 'js')).toBe(true);
  });
});
