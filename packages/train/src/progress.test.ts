import '@rnnkit/backend-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SGD } from './optim/sgd.js';
import { interactive } from './progress.js';
import { lineReporter, type ProgressInfo } from './progress-report.js';
import { regressionLoss, regressor, sineData } from './test-utils/sine.js';
import { type FitOptions, Trainer } from './trainer.js';

/** Pretends stdout is (or is not) a terminal and sets CI, restoring both afterwards. */
function environment(tty: boolean, ci: string | undefined) {
  Object.defineProperty(process.stdout, 'isTTY', { value: tty, configurable: true });
  if (ci === undefined) vi.stubEnv('CI', undefined as never);
  else vi.stubEnv('CI', ci);
}

const originalTTY = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
let out: string[];
beforeEach(() => {
  out = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    out.push(`${a.join(' ')}\n`);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  if (originalTTY) Object.defineProperty(process.stdout, 'isTTY', originalTTY);
  else delete (process.stdout as { isTTY?: boolean }).isTTY;
});

describe('interactive()', () => {
  it.each([
    [true, undefined, true],
    [true, '', true],
    [true, 'false', true],
    [true, '0', true],
    [true, 'true', false],
    [true, '1', false],
    [false, undefined, false],
    [false, 'false', false],
  ] as const)('TTY %s, CI=%s → %s', (tty, ci, want) => {
    environment(tty, ci);
    expect(interactive()).toBe(want);
  });
});

/** A short fit (7 steps of the sine task) with validation at the end of the epoch. */
async function fit(progress?: FitOptions<unknown>['progress']) {
  const model = regressor(2, { dropout: 0 });
  const { train, validation } = sineData();
  await new Trainer().fit({
    model,
    optimizer: new SGD(model.parameters(), { lr: 0.05 }),
    loss: regressionLoss(model),
    train,
    validation,
    epochs: 1,
    progress: progress as never,
  });
  return out.join('');
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: escape codes are what is checked
const TERMINAL_CONTROL = /\r|\x1b\[/;

describe('progress output of Trainer.fit', () => {
  it('not a TTY: plain lines, no carriage returns or escape codes', async () => {
    environment(false, undefined);
    const text = await fit();
    expect(text).toMatch(/^validation at step 7: loss \d\.\d{4}( — best so far)?\n$/);
    expect(text).not.toMatch(TERMINAL_CONTROL);
  });

  it('CI=true on a TTY: plain lines too', async () => {
    environment(true, 'true');
    const text = await fit();
    expect(text).toMatch(/validation at step 7/);
    expect(text).not.toMatch(TERMINAL_CONTROL);
  });

  it("a TTY outside CI: a live bar on stdout (what 'off when not a TTY or in CI' turns off)", async () => {
    environment(true, undefined);
    const writes = vi.mocked(process.stdout.write);
    const text = await fit();
    expect(text).toMatch(TERMINAL_CONTROL);
    expect(text).toMatch(/epoch 1 \|.*\| 7\/7 loss/);
    expect(writes).toHaveBeenCalled();
  });

  it("progress: 'none' writes nothing at all", async () => {
    environment(true, undefined);
    expect(await fit('none')).toBe('');
  });

  it("progress: 'lines' writes lines even on a TTY", async () => {
    environment(true, undefined);
    const text = await fit('lines');
    expect(text).toMatch(/validation at step 7/);
    expect(text).not.toMatch(TERMINAL_CONTROL);
  });

  it('a custom reporter gets every step and the validation line', async () => {
    const seen: ProgressInfo[] = [];
    const lines: string[] = [];
    let stopped = 0;
    await fit({ update: (i) => seen.push(i), log: (l) => lines.push(l), stop: () => stopped++ });
    expect(seen.map((i) => i.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(seen.every((i) => i.totalSteps === 7 && i.epoch === 0 && Number.isFinite(i.loss))).toBe(
      true,
    );
    expect(lines).toHaveLength(1);
    expect(stopped).toBe(1);
    expect(out.join('')).toBe('');
  });
});

describe('lineReporter', () => {
  it('writes one line every N steps with step/total, 1-based epoch and loss', () => {
    const lines: string[] = [];
    const r = lineReporter(2, (l) => lines.push(l));
    for (let step = 1; step <= 5; step++)
      r.update({ step, totalSteps: 5, epoch: 0, loss: step === 4 ? 0.001234 : 0.5 });
    r.update({ step: 6, epoch: 1, loss: 0.25, rate: 1234.4, rateUnit: 'chars' });
    r.log('hello');
    r.stop();
    expect(lines).toEqual([
      'step 2/5 epoch 1 loss 0.5000',
      'step 4/5 epoch 1 loss 1.234e-3',
      'step 6 epoch 2 loss 0.2500 1,234 chars/s',
      'hello',
    ]);
  });
});
