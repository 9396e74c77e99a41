import type { Backend } from '@rnnkit/core';
import { importOnnx } from '../import.js';
import { type FixtureArray, loadBytes, loadJson } from './fixtures.js';

/** One case of fixtures/onnx-node-cases.json (made by fixtures/make_onnx_node_cases.py). */
export interface NodeCase {
  op: 'RNN' | 'LSTM' | 'GRU';
  model: string;
  /** Where the expected outputs come from: ONNX's reference, or onnxruntime's version. */
  expected: string;
  inputs: Record<string, FixtureArray>;
  outputs: Record<string, FixtureArray>;
}

export const NODE_CASES = loadJson<{ cases: Record<string, NodeCase> }>(
  'onnx-node-cases.json',
).cases;

/** |got − want| ≤ TOL·max(1, |want|): 1e-5 absolute, and relative for values past 1. */
export const TOL = 1e-5;

/**
 * Imports the case's model on `backend`, runs it on the case's inputs and returns, per output,
 * the worst |got − want| / max(1, |want|), or throws naming the case and output whose shape is off.
 */
export async function runNodeCase(name: string, backend: Backend): Promise<Record<string, number>> {
  const c = NODE_CASES[name];
  const model = importOnnx(loadBytes(`onnx-node/${c.model}`), { backend });
  const feeds = Object.fromEntries(
    Object.entries(c.inputs).map(([k, v]) => [k, { data: v.data, shape: v.shape }]),
  );
  const out = await model.run(feeds);
  const errs: Record<string, number> = {};
  for (const [k, want] of Object.entries(c.outputs)) {
    if (out[k].shape.join() !== want.shape.join())
      throw new Error(`${name} ${k}: shape [${out[k].shape}], expected [${want.shape}]`);
    const got = await out[k].data();
    let worst = 0;
    want.data.forEach((w, i) => {
      worst = Math.max(worst, Math.abs(got[i] - w) / Math.max(1, Math.abs(w)));
    });
    errs[k] = worst;
  }
  return errs;
}
