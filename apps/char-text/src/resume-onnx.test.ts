import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '@rnnkit/train';
import { afterAll, describe, expect, it } from 'vitest';
import { ok, shakespeare, TINY } from './test-utils/run-cli.js';

// On onnx the Trainer groups steps into graph calls by the clock, and a resumed run starts its
// grouping afresh. Grouping must never change the results: a run stopped and resumed, and runs
// with one and three steps per call, end with the losses, weights and optimizer state of one
// uninterrupted run, bit for bit, with the default clip and with clipping at every step.
const work = mkdtempSync(join(tmpdir(), 'rnnkit-char-text-onnx-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const small = join(work, 'small.txt');
writeFileSync(small, readFileSync(shakespeare).subarray(0, 5000));
const dir = (name: string) => join(work, name);

/** step,epoch,loss of each logged step (the wall-clock column differs between runs). */
function losses(out: string): string[] {
  return readFileSync(join(out, 'train-log.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [step, epoch, , loss] = l.split(',');
      return `${step},${epoch},${loss}`;
    });
}

/** The last checkpoint's weights, optimizer state and carried state. */
function state(out: string) {
  const c = loadCheckpoint(join(out, 'last.safetensors'));
  return { model: c.model, optimizer: c.optimizer, carry: c.carry };
}

describe('rnnkit-char-text on onnx: grouping steps into calls changes no bit', () => {
  // At the default clip (5) this tiny model's gradient norms stay below it; --clip 0.05 clips
  // every step, the case where a fused step and a single step once summed the norm differently.
  it.each([
    ['the default clip', [], 'default'],
    ['--clip 0.05', ['--clip', '0.05'], 'clipped'],
  ])(
    'with %s, a resumed run and one and three steps per call end as one uninterrupted run',
    async (_, clip, name) => {
      const args = (out: string, steps: number, ...more: string[]) => [
        'train',
        '--text',
        small,
        ...TINY,
        '--backend',
        'onnx',
        ...clip,
        '--steps',
        String(steps),
        '--out',
        dir(`${name}-${out}`),
        ...more,
      ];
      await Promise.all([
        ok(args('whole', 14)),
        ok(args('split', 7)),
        ok(args('one', 14, '--steps-per-call', '1')),
        ok(args('three', 14, '--steps-per-call', '3')),
      ]);
      await ok(['resume', dir(`${name}-split`), '--steps', '14', '--no-plot']);
      const whole = dir(`${name}-whole`);
      expect(losses(whole)).toHaveLength(14);
      for (const other of ['split', 'one', 'three'].map((o) => dir(`${name}-${o}`))) {
        expect(losses(other), other).toEqual(losses(whole));
        expect(state(other), other).toEqual(state(whole));
      }
      if (clip.length) {
        // the clipping is real: without it the run ends elsewhere
        await ok([...args('unclipped', 14), '--clip', '0']);
        expect(state(dir(`${name}-unclipped`)).model).not.toEqual(state(whole).model);
      }
    },
    120_000,
  );
});
