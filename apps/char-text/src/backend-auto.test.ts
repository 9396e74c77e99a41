import { join } from 'node:path';
import { loadCheckpoint } from '@rnnkit/train';
import { describe, expect, it } from 'vitest';
import { ct, ok, TINY_MODEL, without } from './test-utils/run-cli.js';
import { workDir } from './test-utils/work-dir.js';

// --backend auto (the default): the first of onnx, tfjs-wasm, js that starts, named with why on
// the first line. This workspace installs all three; the fallbacks run with packages hidden.
const { work, small } = workDir('rnnkit-char-auto-');

/** TINY's model without its --backend: the default chooses. */
const args = (out: string, steps: number) => [
  'train',
  '--text',
  small,
  ...TINY_MODEL,
  '--sample-length',
  '0',
  '--progress',
  'none',
  '--no-plot',
  '--steps',
  String(steps),
  '--out',
  join(work, out),
];
const firstLine = (s: string) => s.split('\n')[0];
const config = (out: string) =>
  loadCheckpoint(join(work, out, 'last.safetensors')).config as { train: { backend: string } };

describe('rnnkit-char-text --backend', () => {
  it('auto (the default) trains on onnx here, says so first, and the run resumes on it', async () => {
    const out = await ok(args('auto', 6));
    expect(firstLine(out)).toBe(
      'backend: onnx (auto: the first of onnx, tfjs-wasm, js that starts here; --backend js to choose another)',
    );
    expect(out).toMatch(/parameters; backend onnx$/m);
    expect(out).toContain('stopped at the step limit at step 6');
    expect(config('auto').train.backend).toBe('onnx');
    const resumed = await ok(['resume', join(work, 'auto'), '--steps', '8', '--no-plot']);
    expect(firstLine(resumed)).toBe(
      'backend: onnx (the one this run trained on; --backend to choose another)',
    );
    const sample = await ct(['sample', join(work, 'auto'), '--length', '20']);
    expect(sample.code, sample.stderr).toBe(0);
    // the sample is stdout; the backend line goes to stderr
    expect(firstLine(sample.stderr)).toMatch(/^backend: onnx \(auto: /);
  }, 120_000);

  it('a named backend runs as asked', async () => {
    const out = await ok([...args('js', 2), '--backend', 'js']);
    expect(firstLine(out)).toBe('backend: js (--backend js)');
    expect(config('js').train.backend).toBe('js');
  }, 60_000);

  it('auto falls back to tfjs-wasm without onnxruntime-node, and to js without either package', async () => {
    const tfjs = await ct(args('tfjs', 2), without('onnxruntime-node'));
    expect(tfjs.code, tfjs.stderr).toBe(0);
    expect(firstLine(tfjs.stdout)).toMatch(
      /^backend: tfjs-wasm \(auto: onnx unavailable: the 'onnx' backend needs onnxruntime-node, which is not installed: npm install/,
    );
    expect(config('tfjs').train.backend).toBe('tfjs-wasm');
    const js = await ct(
      args('js-only', 2),
      without('@rnnkit/backend-onnx', '@rnnkit/backend-tfjs'),
    );
    expect(js.code, js.stderr).toBe(0);
    expect(firstLine(js.stdout)).toBe(
      'backend: js (auto: onnx unavailable: @rnnkit/backend-onnx is not installed; tfjs-wasm unavailable: @rnnkit/backend-tfjs is not installed; the first of onnx, tfjs-wasm, js that starts here; --backend <name> to choose another)',
    );
  }, 120_000);
});
