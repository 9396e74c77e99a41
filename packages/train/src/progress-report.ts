// Where the Trainer reports progress, and the reporters that need no terminal: portable.

export interface ProgressInfo {
  step: number;
  totalSteps?: number;
  epoch: number;
  loss: number;
  /** Items (characters, samples) per second over recent steps. */
  rate?: number;
  rateUnit?: string;
  valLoss?: number;
}

/** Where the Trainer reports progress. */
export interface ProgressReporter {
  update(info: ProgressInfo): void;
  /** A line that must not be overwritten (validation results, samples). */
  log(line: string): void;
  stop(): void;
}

export function fmt(i: ProgressInfo): Record<string, string> {
  return {
    epoch: String(i.epoch + 1),
    loss: Math.abs(i.loss) >= 0.01 || i.loss === 0 ? i.loss.toFixed(4) : i.loss.toExponential(3),
    rate:
      i.rate === undefined
        ? ''
        : `${Math.round(i.rate).toLocaleString('en-US')} ${i.rateUnit ?? 'items'}/s`,
    val:
      i.valLoss === undefined
        ? ''
        : `val ${Math.abs(i.valLoss) >= 0.01 ? i.valLoss.toFixed(4) : i.valLoss.toExponential(3)}`,
  };
}

/** Plain lines every `every` steps, for logs and CI. */
export function lineReporter(
  every = 50,
  write: (line: string) => void = console.log,
): ProgressReporter {
  return {
    update(i) {
      if (i.step % every !== 0) return;
      const f = fmt(i);
      write(
        `step ${i.step}${i.totalSteps ? `/${i.totalSteps}` : ''} epoch ${f.epoch} loss ${f.loss} ${f.rate}`.trimEnd(),
      );
    },
    log: write,
    stop() {},
  };
}

/** Reports nothing (tests, libraries). */
export const silentReporter: ProgressReporter = { update() {}, log() {}, stop() {} };
