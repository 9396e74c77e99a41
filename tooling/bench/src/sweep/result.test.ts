import { describe, expect, it } from 'vitest';
import { parseResult, RESULT_PREFIX } from './result.js';

const fields = {
  runner: 'pytorch',
  threads: 1,
  hidden: 128,
  seq: 64,
  batch: 32,
  warmup: 2,
  steps: 10,
  seconds: 1,
  charsPerSec: 20480,
  warmupSeconds: 0.2,
  maxRssKiB: 300000,
  loss: 2.5,
  cpuShare: 1,
};

describe('parseResult', () => {
  it('finds the result line among the rest of the output', () => {
    const out = `loading\n${RESULT_PREFIX}${JSON.stringify(fields)}\n`;
    expect(parseResult(out)).toEqual(fields);
  });

  it('reads a null loss (Python has no JSON for NaN) as NaN', () => {
    const r = parseResult(`${RESULT_PREFIX}${JSON.stringify({ ...fields, loss: null })}`);
    expect(r.loss).toBeNaN();
  });

  it('says when the line is missing or a figure is not a number', () => {
    expect(() => parseResult('Traceback ...')).toThrow("no 'SWEEP_RESULT' line in the output");
    const bad = { ...fields, maxRssKiB: '300000' };
    expect(() => parseResult(`${RESULT_PREFIX}${JSON.stringify(bad)}`)).toThrow(
      "the result's maxRssKiB is not a number",
    );
  });
});
