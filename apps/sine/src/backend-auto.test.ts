import { describe, expect, it } from 'vitest';
import { sine, without } from './test-utils/run-cli.js';

// --backend auto (the default): the first of onnx, tfjs-wasm, js that starts, named with why on
// the first line. This workspace installs all three; the fallbacks run with packages hidden.
const small = [
  '--epochs',
  '1',
  '--points',
  '300',
  '--t-end',
  '30',
  '--window',
  '10',
  '--hidden',
  '8',
  '--no-plot',
  '--no-chart',
  '--progress',
  'none',
];
const firstLine = (s: string) => s.split('\n')[0];

describe('rnnkit-sine --backend', () => {
  it('auto (the default) trains on onnx here and says so first', async () => {
    const r = await sine(small);
    expect(r.code, r.stderr).toBe(0);
    expect(firstLine(r.stdout)).toBe(
      'backend: onnx (auto: the first of onnx, tfjs-wasm, js that starts here; --backend js to choose another)',
    );
    expect(r.stdout).toContain('backend onnx)');
  }, 120_000);

  it('a named backend runs as asked', async () => {
    const r = await sine(['--backend', 'js', ...small]);
    expect(r.code, r.stderr).toBe(0);
    expect(firstLine(r.stdout)).toBe('backend: js (--backend js)');
    expect(r.stdout).toContain('backend js)');
  }, 120_000);

  it('auto falls back to tfjs-wasm without onnxruntime-node, and says why', async () => {
    const r = await sine(small, without('onnxruntime-node'));
    expect(r.code, r.stderr).toBe(0);
    expect(firstLine(r.stdout)).toMatch(
      /^backend: tfjs-wasm \(auto: onnx unavailable: the 'onnx' backend needs onnxruntime-node, which is not installed: npm install/,
    );
    expect(r.stdout).toContain('backend tfjs-wasm)');
  }, 120_000);

  it('auto falls back to js without the optional backend packages', async () => {
    const r = await sine(small, without('@rnnkit/backend-onnx', '@rnnkit/backend-tfjs'));
    expect(r.code, r.stderr).toBe(0);
    expect(firstLine(r.stdout)).toBe(
      'backend: js (auto: onnx unavailable: @rnnkit/backend-onnx is not installed; tfjs-wasm unavailable: @rnnkit/backend-tfjs is not installed; the first of onnx, tfjs-wasm, js that starts here; --backend <name> to choose another)',
    );
  }, 120_000);
});
