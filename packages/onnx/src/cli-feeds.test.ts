import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath } from './test-utils/fixtures.js';

// The built CLI in a child process: ONNX Runtime aborted the whole process (exit code 134) on an
// empty batch, which no in-process test survives.
const cliJs = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const model = fixturePath('torch_charlm_gru.onnx'); // tokens int64 [batch, sequence], h0 [2, batch, 6]
const dir = mkdtempSync(join(tmpdir(), 'rnnkit-onnx-feeds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cliJs, 'run', model, '--engine', 'ort', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, signal: r.signal, err: r.stderr, out: r.stdout };
}

function feedsFile(name: string, feeds: object): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(feeds));
  return file;
}

const h0 = (batch: number) => ({ shape: [2, batch, 6], data: new Array(12 * batch).fill(0) });

describe('rnnkit-onnx run --engine ort checks its feeds before ONNX Runtime sees them', () => {
  it.each([
    [['--batch', '0'], /--batch must be a positive integer, got '0'/],
    [['--batch=-2'], /--batch must be a positive integer, got '-2'/],
    [['--batch', '1.5'], /--batch must be a positive integer, got '1.5'/],
    [['--seq', '0'], /--seq must be a positive integer, got '0'/],
    [['--max-token', '0'], /--max-token must be a positive integer/],
  ])('%j: exit code 1 with the flag named, no native abort', (args, message) => {
    const r = run(...args);
    expect(r.err).not.toMatch(/terminate called/);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
  });

  it('a feeds file with a zero size, a wrong rank, mismatched batches or too few values', () => {
    const cases: [object, RegExp][] = [
      [
        { tokens: { shape: [0, 8], data: [] }, h0: h0(0) },
        /input 'tokens' .* has size 0 in dimension 0 of \[0, 8\]: every size must be a positive integer/,
      ],
      [
        { tokens: { shape: [8], data: new Array(8).fill(0) }, h0: h0(1) },
        /input 'tokens' .* must have rank 2 \[batch, sequence\], got shape \[8\]/,
      ],
      [
        { tokens: { shape: [1, 8], data: new Array(8).fill(0) }, h0: h0(3) },
        /input 'h0' .* has batch = 3 .* but input 'tokens' has batch = 1/,
      ],
      [
        { tokens: { shape: [1, 2], data: [0] }, h0: h0(1) },
        /input 'tokens' .* has 1 values, but shape \[1, 2\] holds 2/,
      ],
      [
        { tokens: { shape: [1, 2], data: [0, 0.5] }, h0: h0(1) },
        /input 'tokens' .* value 1 is 0.5: int64 inputs take integers/,
      ],
      [
        {
          tokens: { shape: [1, 2], data: [0, 1] },
          h0: { shape: [2, 1, 5], data: new Array(10).fill(0) },
        },
        /input 'h0' .* must be \[2, batch, 6\], got \[2, 1, 5\]/,
      ],
    ];
    cases.forEach(([feeds, message], i) => {
      const r = run('--inputs', feedsFile(`case${i}`, feeds));
      expect(r.err).not.toMatch(/terminate called/);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(message);
    });
  });

  it("ONNX Runtime's own errors come as OnnxRuntimeError, with its message and once", () => {
    // token 50 in an 11-entry embedding: ONNX Runtime's Gather refuses it
    const file = feedsFile('oob', { tokens: { shape: [1, 2], data: [0, 50] }, h0: h0(1) });
    const r = run('--inputs', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^rnnkit-onnx run: running .*torch_charlm_gru\.onnx: ONNX Runtime: .*Gather.*indices element out of data bounds, idx=50/,
    );
    // not also printed by ONNX Runtime's logger
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('still runs good feeds', () => {
    const r = run('--batch', '2', '--seq', '3', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).outputs.ort.logits.shape).toEqual([2, 3, 11]);
  });
});
