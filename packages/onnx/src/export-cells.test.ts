import '@rnnkit/backend-js';
import { CharLM, cellDefs, RecurrentLayer, rnnDef } from '@rnnkit/cells';
import { Rng } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './export.js';

/** A layer whose cell is a working definition that was never registered. */
class Unregistered extends RecurrentLayer {
  constructor() {
    super(
      { inputSize: 2, hiddenSize: 3, rng: new Rng(0) },
      { cell: { ...rnnDef, kind: 'mine', title: 'Mine' } },
    );
  }
}

describe('exportOnnx reads the cell registry', () => {
  it('refuses a layer whose cell is not registered, naming the cell', async () => {
    const layer = new Unregistered();
    // the layer itself runs: only export has no way to know its ONNX form
    expect(layer.kind).toBe('mine');
    await expect(exportOnnx(layer)).rejects.toThrow(
      /exportOnnx: the cell 'mine' of this Unregistered is not registered in @rnnkit\/cells/,
    );
  });

  it('refuses every registered cell without an ONNX operator, naming it', async () => {
    const none = cellDefs().filter((c) => !c.onnx);
    expect(none.map((c) => c.kind)).toContain('mingru');
    for (const def of none)
      for (const cell of Object.keys(def.choices)) {
        const lm = new CharLM({ vocabSize: 5, hiddenSize: 3, cell, rng: new Rng(1) });
        await expect(exportOnnx(lm)).rejects.toThrow(
          `exportOnnx: the ${def.title} cell ('${def.kind}') has no standard ONNX operator`,
        );
      }
  });

  it('exports every registered cell choice that has an ONNX operator', async () => {
    for (const cell of ['rnn', 'lstm', 'lstm-peephole', 'gru']) {
      const lm = new CharLM({ vocabSize: 5, hiddenSize: 3, cell, rng: new Rng(1) });
      expect((await exportOnnx(lm)).length).toBeGreaterThan(0);
    }
  });
});
