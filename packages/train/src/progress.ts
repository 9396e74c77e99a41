import cliProgress from 'cli-progress';

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

/** True when a live progress bar makes sense: an interactive terminal and not CI (CI set, other than 'false' or '0'). */
export function interactive(): boolean {
  const ci = process.env.CI;
  return Boolean(process.stdout.isTTY) && (!ci || ci === 'false' || ci === '0');
}

function fmt(i: ProgressInfo): Record<string, string> {
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

/** A cli-progress bar with loss, throughput and ETA; lines logged above it. */
export function barReporter(): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    {
      format: 'epoch {epoch} |{bar}| {value}/{total} loss {loss} {val} {rate} ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 20,
      clearOnComplete: false,
      // Same stream as log() and as interactive() checks, so log lines clear the bar cleanly.
      stream: process.stdout,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(i) {
      if (!started) {
        bar.start(i.totalSteps ?? 0, i.step, fmt(i));
        started = true;
      }
      if (i.totalSteps !== undefined) bar.setTotal(i.totalSteps);
      bar.update(i.step, fmt(i));
    },
    log(line) {
      if (started) {
        process.stdout.write('\r\x1b[2K');
        console.log(line);
        bar.render();
      } else console.log(line);
    },
    stop() {
      if (started) bar.stop();
    },
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
