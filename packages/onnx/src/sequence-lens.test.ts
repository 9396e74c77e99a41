import '@rnnkit/backend-js';
import { tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { importOnnx } from './import.js';
import { loadBytes } from './test-utils/fixtures.js';
import { NODE_CASES } from './test-utils/onnx-node-cases.js';

/**
 * A recurrent node's `sequence_lens` must hold one length per sequence, each in [1, T]: the node
 * imported on rnnkit's cell and the node imported as an OnnxRecurrentLayer refuse the same bad
 * lengths with the same message (the batch index, the value, T), from one check.
 */

const PATHS = [
  { runsOn: 'cell', name: 'rnnkit_lstm_bidirectional_seq_lens' },
  { runsOn: 'onnx', name: 'rnnkit_lstm_input_forget' },
] as const;

function feedsWith(name: string, lens: number[]) {
  const c = NODE_CASES[name];
  const feeds = Object.fromEntries(
    Object.entries(c.inputs).map(([k, v]) => [k, { data: v.data, shape: v.shape }]),
  );
  feeds.sequence_lens = { data: lens, shape: [lens.length] };
  return feeds;
}

describe.each(PATHS)('sequence_lens on a node imported on $runsOn', ({ runsOn, name }) => {
  const model = importOnnx(loadBytes(`onnx-node/${NODE_CASES[name].model}`));
  const T = NODE_CASES[name].inputs.X.shape[0];

  it('is the path this case is for', () => {
    expect(T).toBe(5);
    expect(model.recurrent[0].runsOn).toBe(runsOn);
  });

  it('runs lengths 1 and T', async () => {
    const out = await model.run(feedsWith(name, [1, 5, 3]));
    // past a sequence's length Y is zero
    const Y = await out.Y.data();
    const [, D, B, H] = out.Y.shape;
    const at = (t: number, b: number) =>
      Y.slice(((t * D + 0) * B + b) * H, ((t * D + 0) * B + b + 1) * H);
    expect([...at(1, 0)].every((v) => v === 0)).toBe(true);
    expect([...at(4, 1)].some((v) => v !== 0)).toBe(true);
  });

  it.each([
    [[5, 0, 4], /sequence_lens\[1\] = 0 must be an integer in \[1, 5\] \(T = 5/],
    [[5, 2, 6], /sequence_lens\[2\] = 6 must be an integer in \[1, 5\] \(T = 5/],
    [[-1, 2, 4], /sequence_lens\[0\] = -1 must be an integer in \[1, 5\] \(T = 5/],
    [[5, 2], /input 'sequence_lens' must be \[3\], got \[2\]/],
  ])('refuses %j', async (lens, message) => {
    await expect(model.run(feedsWith(name, lens))).rejects.toThrow(message);
  });
});

describe('OnnxRecurrentLayer.forward', () => {
  it('checks its lengths as the cell layers do', () => {
    const c = NODE_CASES.rnnkit_lstm_input_forget;
    const layer = importOnnx(loadBytes(`onnx-node/${c.model}`)).onnxLayers[0];
    const X = tensor(Float32Array.from(c.inputs.X.data), c.inputs.X.shape);
    expect(() => layer.forward(X, undefined, undefined, [5, 0, 4])).toThrow(
      /lengths\[1\] = 0 must be an integer in \[1, 5\] \(T = 5/,
    );
    expect(() => layer.forward(X, undefined, undefined, [5, 2, 4, 1])).toThrow(
      /lengths has 4 entries for a batch of 3/,
    );
  });
});
