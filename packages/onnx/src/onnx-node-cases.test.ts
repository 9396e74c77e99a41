import type { Backend } from '@rnnkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { backendNamed, IMPORT_BACKENDS } from './test-utils/backend.js';
import '@rnnkit/backend-tfjs';
import { NODE_CASES, runNodeCase, TOL } from './test-utils/onnx-node-cases.js';

/**
 * ONNX's own backend test cases for RNN, LSTM and GRU (onnx.backend.test.case.node) and rnnkit's
 * cases for what those leave out (direction reverse and bidirectional with sequence_lens, every
 * listed activation with alpha/beta, clip, input_forget, layout 1), all made by
 * fixtures/make_onnx_node_cases.py: importOnnx reproduces each expected output on every backend
 * this package tests on. The onnx backend runs the same cases in @rnnkit/backend-onnx
 * (onnx-node-cases.test.ts there), since that package depends on this one.
 */

const NAMES = Object.keys(NODE_CASES);

describe.each(IMPORT_BACKENDS)('ONNX recurrent node cases on the %s backend', (beName) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await backendNamed(beName);
  });

  it.each(NAMES)('%s', async (name) => {
    const errs = await runNodeCase(name, backend);
    for (const [k, e] of Object.entries(errs)) expect(e, `${name} ${k}`).toBeLessThanOrEqual(TOL);
  });
});

describe('the committed node cases', () => {
  it("hold every RNN, LSTM and GRU case of ONNX's backend tests and rnnkit's own", () => {
    const onnx = NAMES.filter((n) => n.startsWith('onnx_'));
    expect(onnx).toHaveLength(18);
    for (const op of ['RNN', 'LSTM', 'GRU'])
      expect(onnx.filter((n) => NODE_CASES[n].op === op)).toHaveLength(6);
    for (const want of ['reverse', 'bidirectional', 'clip', 'input_forget', 'layout1'])
      expect(
        NAMES.some((n) => n.startsWith('rnnkit_') && n.includes(want)),
        want,
      ).toBe(true);
  });
});
