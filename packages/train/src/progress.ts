import cliProgress from 'cli-progress';
import { fmt, type ProgressInfo, type ProgressReporter } from './progress-report.js';

// Terminal progress (Node only: cli-progress, process.stdout). The reporter contract and the
// plain-line reporters are in progress-report.ts, which the portable entry exports.

/** True when a live progress bar makes sense: an interactive terminal and not CI (CI set, other than 'false' or '0'). */
export function interactive(): boolean {
  const ci = process.env.CI;
  return Boolean(process.stdout.isTTY) && (!ci || ci === 'false' || ci === '0');
}

/** A stream a bar draws on: a terminal (columns known) or anything with write. */
type BarStream = NodeJS.WritableStream & { columns?: number; isTTY?: boolean };

/**
 * Bar width that leaves `text` columns for the rest of the line. cli-progress turns the
 * terminal's line wrapping off, so whatever passes the right edge is cut, not wrapped.
 */
function barSize(stream: BarStream, text: number): number {
  return Math.max(10, Math.min(40, (stream.columns ?? 80) - text));
}

/**
 * A cli-progress bar with throughput, loss and ETA; lines logged above it. The throughput comes
 * right after the step count and the bar shrinks on narrow terminals, so an 80-column line
 * shows everything.
 */
export function barReporter(stream: BarStream = process.stdout): ProgressReporter {
  const write = (line: string) => stream.write(`${line}\n`);
  const bar = new cliProgress.SingleBar(
    {
      format: 'epoch {epoch} |{bar}| {value}/{total} {rate}loss {loss} {val} ETA {eta_formatted}',
      barsize: barSize(stream, 72),
      hideCursor: true,
      etaBuffer: 20,
      clearOnComplete: false,
      // Same stream as log() and as interactive() checks, so log lines clear the bar cleanly.
      stream,
    },
    cliProgress.Presets.shades_classic,
  );
  // The rate brings its own space, so a bar without one yet shows no gap.
  const payload = (i: ProgressInfo) => {
    const f = fmt(i);
    return { ...f, rate: f.rate && `${f.rate} ` };
  };
  let started = false;
  return {
    update(i) {
      if (!started) {
        bar.start(i.totalSteps ?? 0, i.step, payload(i));
        started = true;
      }
      if (i.totalSteps !== undefined) bar.setTotal(i.totalSteps);
      bar.update(i.step, payload(i));
    },
    log(line) {
      if (started) {
        stream.write('\r\x1b[2K');
        write(line);
        bar.render();
      } else write(line);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** A bar for work of known size other than training steps (a final evaluation). */
export interface TaskBar {
  /** `done` of `total` units, at `rate` units a second when known. */
  update(done: number, total: number, rate?: number): void;
  stop(): void;
}

/** A cli-progress bar: `label |bar| 42% 12,345 chars/s ETA 1m05s`. */
export function taskBar(label: string, unit: string, stream: BarStream = process.stdout): TaskBar {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} |{bar}| {percentage}% {rate} ETA {eta_formatted}`,
      barsize: barSize(stream, label.length + 40),
      hideCursor: true,
      clearOnComplete: false,
      stream,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, rate) {
      const payload = {
        rate: rate === undefined ? '' : `${Math.round(rate).toLocaleString('en-US')} ${unit}/s`,
      };
      if (!started) {
        bar.start(total, done, payload);
        started = true;
      } else bar.update(done, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
