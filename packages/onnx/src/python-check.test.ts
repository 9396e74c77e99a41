import '@rnnkit/backend-js';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { type Tensor, tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './export.js';
import { importOnnx } from './import.js';
import { type ExportCase, pythonCheckCases } from './test-utils/cases.js';
import { fixturePath, loadJson } from './test-utils/fixtures.js';

/**
 * fixtures/rnnkit_*.onnx are rnnkit exports that fixtures/make_fixtures.py (`check`) passed through
 * onnx.checker.check_model (full check) and Python's onnxruntime, which reproduced rnnkit's
 * outputs within 1e-5 (fixtures/rnnkit_checked.json). This test proves exportOnnx still writes
 * exactly those bytes, so the check holds for today's exporter without Python.
 *
 * After changing the exporter on purpose: RNNKIT_WRITE_EXPORTS=1 (this test rewrites the models and
 * rnnkit's outputs), then `python3 fixtures/make_fixtures.py check`.
 */

interface Checked {
  tolerance: number;
  models: Record<
    string,
    {
      sha256: string;
      checker: string;
      ort_vs_rnnkit_max_abs_diff: number;
      opset: number;
      ir_version: number;
    }
  >;
}

const WRITE = process.env.RNNKIT_WRITE_EXPORTS === '1';
const CASES = pythonCheckCases();

function rnnkitOutputs(c: ExportCase, bytes: Uint8Array): Promise<Record<string, Tensor>> {
  // rnnkit's own outputs, computed by the imported model (itself checked against rnnkit's layers
  // in roundtrip.test.ts) so every model kind is fed the same way
  const feeds = Object.fromEntries(
    Object.entries(c.inputs).map(([k, v]) => [
      k,
      v.dtype === 'float32'
        ? tensor(Float32Array.from(v.data), v.shape)
        : { data: v.data, shape: v.shape },
    ]),
  );
  return importOnnx(bytes).run(feeds);
}

describe('rnnkit exports checked by onnx.checker and Python onnxruntime', () => {
  if (WRITE) {
    it('writes fixtures/rnnkit_*.onnx and their inputs and rnnkit outputs', async () => {
      const dir = fixturePath('.');
      for (const c of CASES) {
        const bytes = await exportOnnx(c.model, c.options);
        const out = await rnnkitOutputs(c, bytes);
        writeFileSync(`${dir}/rnnkit_${c.name}.onnx`, bytes);
        const outputs = Object.fromEntries(
          Object.entries(out).map(([k, t]) => [
            k,
            { shape: t.shape, dtype: 'float32', data: Array.from(t.dataSync()) },
          ]),
        );
        writeFileSync(
          `${dir}/rnnkit_${c.name}.json`,
          `${JSON.stringify({ generator: 'python-check.test.ts (RNNKIT_WRITE_EXPORTS=1)', cases: [{ inputs: c.inputs, outputs }] })}\n`,
        );
      }
    });
    return;
  }

  const checked = loadJson<Checked>('rnnkit_checked.json');
  it('covers every case', () => {
    expect(Object.keys(checked.models).sort()).toEqual(CASES.map((c) => c.name).sort());
  });
  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s: same bytes as checked, checker ok, ORT within 1e-5',
    async (name, c) => {
      const entry = checked.models[name];
      const bytes = await exportOnnx(c.model, c.options);
      expect(
        createHash('sha256').update(bytes).digest('hex'),
        'exportOnnx no longer writes the bytes Python checked; regenerate as the header of this file says',
      ).toBe(entry.sha256);
      expect(entry.checker).toBe('ok');
      expect(entry.ort_vs_rnnkit_max_abs_diff).toBeLessThan(1e-5);
      expect([entry.ir_version, entry.opset]).toEqual([8, 17]);
    },
  );
});
