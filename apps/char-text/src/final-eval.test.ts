import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finalEvalChars, finalEvalData } from './final-eval.js';
import { ct, shakespeare, TINY } from './test-utils/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-char-text-final-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** 60,000 characters, half of them held out: a validation split of 30,000. */
const text = join(work, 'text.txt');
writeFileSync(text, readFileSync(shakespeare).subarray(0, 60_000));
const ARGS = ['train', '--text', text, ...TINY, '--val-fraction', '0.5', '--val-chars', '512'];

function finalRow(dir: string): string | undefined {
  return readFileSync(join(dir, 'validation-log.csv'), 'utf8')
    .trim()
    .split('\n')
    .find((l) => l.endsWith(',final'));
}

describe('item 10: the final validation is shown, sized and controllable', () => {
  it('by default a short run is scored on what it trained on (at least --val-chars), with progress', async () => {
    const out = join(work, 'auto');
    const r = await ct([...ARGS, '--steps', '4', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    // 4 steps × 4 streams × 16 characters were trained; --val-chars 512 is more
    expect(r.stdout).toMatch(/^final validation on 512 characters \(4 streams × 16\)$/m);
    expect(r.stdout).toMatch(/^final validation 100% {2}512\/512 chars/m);
    expect(r.stdout).toMatch(
      /^final validation {5}\d\.\d{4} nats\/char \(\d\.\d{3} bits\/char\) on 512 of the 30,000 validation characters \(--final-eval full scores all\)$/m,
    );
    expect(finalRow(out)).toMatch(/^4,0,[\d.]+,[\d.]+,[\d.]+,512,final$/);
  }, 60_000);

  it('--final-eval full scores the whole split in large forward-only batches', async () => {
    const out = join(work, 'full');
    const r = await ct([...ARGS, '--steps', '2', '--final-eval', 'full', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const m = r.stdout.match(
      /^final validation on the whole validation split, ([\d,]+) characters \((\d+) streams × 16\)$/m,
    );
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThan(4); // more streams than the training batch
    const lines = r.stdout.match(/^final validation \d+% .*$/gm) ?? [];
    expect(lines.length).toBeGreaterThanOrEqual(10); // a line at every tenth
    expect(r.stdout).toContain(`on the whole validation split (${m![1]} characters)`);
    expect(finalRow(out)).toContain(`,${m![1].replace(/,/g, '')},final`);
  }, 60_000);

  it('--final-eval N scores the first N characters; none skips it; resume takes it too', async () => {
    const out = join(work, 'n');
    const r = await ct([...ARGS, '--steps', '2', '--final-eval', '2000', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/on 1,984 of the 30,000 validation characters/); // whole chunks of 16
    const none = await ct(['resume', out, '--steps', '3', '--final-eval', 'none', '--no-plot']);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).not.toMatch(/^final validation/m);
    expect(readFileSync(join(out, 'validation-log.csv'), 'utf8')).not.toMatch(/^3,.*,final$/m);
    const bad = await ct([...ARGS, '--final-eval', 'lots']);
    expect(bad.stderr).toContain("--final-eval must be 'full', 'none' or a positive number");
  }, 60_000);

  it('auto grows with the session and stops at the split', () => {
    const o = { splitChars: 1_076_024, valChars: 16_384 };
    expect(finalEvalChars('auto', { ...o, sessionChars: 20 * 32 * 64 })).toBe(40_960);
    expect(finalEvalChars('auto', { ...o, sessionChars: 100 })).toBe(16_384);
    expect(finalEvalChars('auto', { ...o, sessionChars: 5_000_000 })).toBe(1_076_024);
    expect(finalEvalChars('auto', { ...o, valChars: 0, sessionChars: 100 })).toBe(1_076_024);
    expect(finalEvalChars(3_000_000, { ...o, sessionChars: 0 })).toBe(1_076_024);
    expect(finalEvalChars('none', { ...o, sessionChars: 0 })).toBeUndefined();
    const ids = new Int32Array(1_076_025);
    const whole = finalEvalData(ids, 1_076_024, { seq: 64, batch: 32 });
    expect(whole.layout.batchSize).toBe(256);
    expect(finalEvalData(ids, 40_960, { seq: 64, batch: 32 }).layout.batchSize).toBe(32);
  }, 30_000);
});
