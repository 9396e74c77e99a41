import { describe, expect, it } from 'vitest';
import { RESULT_PREFIX } from './result.js';
import { pytorchMissing, runChild } from './spawn-point.js';

const node = process.execPath;
const result = {
  runner: 'js',
  threads: 1,
  hidden: 8,
  seq: 4,
  batch: 1,
  warmup: 1,
  steps: 2,
  seconds: 0.5,
  charsPerSec: 16,
  warmupSeconds: 0.1,
  maxRssKiB: 1000,
  loss: 4,
  cpuShare: 1,
};

describe('runChild', () => {
  it("reads a child's result line", async () => {
    const script = `console.log('warming up'); console.log(${JSON.stringify(RESULT_PREFIX + JSON.stringify(result))})`;
    expect(await runChild(node, ['-e', script], process.env, 30)).toEqual({ result });
  });

  it('kills a child that runs past its time limit and says so', async () => {
    const out = await runChild(node, ['-e', 'setInterval(() => {}, 1000)'], process.env, 1);
    expect(out).toEqual({
      error: 'stopped after the 1 s time limit (--point-timeout-s)',
      timedOut: true,
    });
  });

  it("reports a failing child's exit status and the end of its error output", async () => {
    const script = "console.error('out of memory at step 3'); process.exit(3)";
    expect(await runChild(node, ['-e', script], process.env, 30)).toEqual({
      error: 'exit 3: out of memory at step 3',
    });
  });

  it('reports a child that ends without a result', async () => {
    const out = await runChild(node, ['-e', "console.log('done')"], process.env, 30);
    expect(out).toEqual({ error: "no 'SWEEP_RESULT' line in the output" });
  });

  it('reports a command that cannot be started', async () => {
    const out = await runChild('/nonexistent/python3', [], process.env, 30);
    expect('error' in out && out.error).toMatch(
      /^\/nonexistent\/python3 could not be started: .*ENOENT/,
    );
  });
});

describe('pytorchMissing', () => {
  it('names a Python that cannot be started', () => {
    expect(pytorchMissing('/nonexistent/python3')).toMatch(
      /^\/nonexistent\/python3 could not be started/,
    );
  });

  it('names a Python that has no torch, with how to install it', () => {
    // node stands in for a python3 without torch: it fails on the import line
    expect(pytorchMissing(node)).toMatch(
      /cannot import torch and numpy \(.*\); install them \(pip install torch numpy\)$/,
    );
  });
});
