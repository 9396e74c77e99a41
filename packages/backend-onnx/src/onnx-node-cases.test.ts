import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Backend, registerBackend, useBackend } from '@rnnkit/core';
import { importOnnx } from '@rnnkit/onnx';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOnnxBackend } from './index.js';

/**
 * The ONNX recurrent node cases that @rnnkit/onnx commits (ONNX's own RNN/LSTM/GRU backend test
 * cases and rnnkit's for reverse, activations, clip, input_forget; see
 * packages/onnx/fixtures/make_onnx_node_cases.py), imported with importOnnx and run on this
 * backend. @rnnkit/onnx runs the same cases on js and tfjs; this backend depends on that package,
 * so its run of the cases lives here.
 */

interface Arr {
  shape: number[];
  data: number[];
}
interface NodeCase {
  model: string;
  inputs: Record<string, Arr>;
  outputs: Record<string, Arr>;
}

const fixture = (f: string) => fileURLToPath(new URL(`../../onnx/fixtures/${f}`, import.meta.url));
const CASES = (
  JSON.parse(readFileSync(fixture('onnx-node-cases.json'), 'utf8')) as {
    cases: Record<string, NodeCase>;
  }
).cases;
/** |got − want| ≤ TOL·max(1, |want|), as @rnnkit/onnx's run of the cases. */
const TOL = 1e-5;

describe('ONNX recurrent node cases on the onnx backend', () => {
  let backend: Backend;
  beforeAll(() => {
    registerBackend('onnx-node-cases', () => createOnnxBackend('onnx', { threads: 1 }));
    backend = useBackend('onnx-node-cases');
  });

  it.each(Object.keys(CASES))('%s', async (name) => {
    const c = CASES[name];
    const model = importOnnx(new Uint8Array(readFileSync(fixture(`onnx-node/${c.model}`))), {
      backend,
    });
    const out = await model.run(
      Object.fromEntries(
        Object.entries(c.inputs).map(([k, v]) => [k, { data: v.data, shape: v.shape }]),
      ),
    );
    for (const [k, want] of Object.entries(c.outputs)) {
      expect(out[k].shape, `${name} ${k}`).toEqual(want.shape);
      const got = await out[k].data();
      let worst = 0;
      want.data.forEach((w, i) => {
        worst = Math.max(worst, Math.abs(got[i] - w) / Math.max(1, Math.abs(w)));
      });
      expect(worst, `${name} ${k}`).toBeLessThanOrEqual(TOL);
    }
  });
});
