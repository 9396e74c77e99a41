import {
  barReporter,
  type ProgressInfo,
  type ProgressReporter,
  type TaskBar,
  taskBar,
} from '@rnnkit/train';

/** m:ss or h:mm:ss. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export interface Budget {
  /** Minutes this session may train (undefined: no time limit). */
  minutes?: number;
  /** The step the run stops at, when known from epochs or --steps. */
  totalSteps?: number;
  /** The step this session started from (non-zero on resume). */
  startStep: number;
}

/**
 * The host-side progress display. The trainer (in the worker) knows the step count it stops at only
 * for epochs or --steps; under a --minutes budget the end is estimated from the speed so far, so
 * the bar and the ETA are meaningful either way.
 */
export class HostProgress implements ProgressReporter {
  #budget: Budget = { startStep: 0 };
  #t0 = performance.now();
  #inner: ProgressReporter | undefined;
  #lastLine = 0;
  #scoring?: { t0: number; shown: number; bar?: TaskBar };

  constructor(
    readonly mode: 'bar' | 'lines' | 'none',
    readonly every = 10,
    readonly write: (line: string) => void = console.log,
  ) {}

  start(b: Budget): void {
    this.#budget = b;
    this.#t0 = performance.now();
  }

  /** Seconds to the end of the session, from the budget and the speed so far. */
  eta(step: number): number | undefined {
    const spent = (performance.now() - this.#t0) / 1000;
    const done = step - this.#budget.startStep;
    const byTime =
      this.#budget.minutes !== undefined ? this.#budget.minutes * 60 - spent : undefined;
    const bySteps =
      this.#budget.totalSteps !== undefined && done > 0
        ? ((this.#budget.totalSteps - step) * spent) / done
        : undefined;
    if (byTime === undefined) return bySteps;
    return bySteps === undefined ? byTime : Math.min(byTime, bySteps);
  }

  /** The step the session should end at (for the bar's total). */
  #total(step: number): number | undefined {
    const eta = this.eta(step);
    const spent = (performance.now() - this.#t0) / 1000;
    const done = step - this.#budget.startStep;
    if (this.#budget.minutes === undefined || done === 0 || eta === undefined)
      return this.#budget.totalSteps;
    return Math.max(step, Math.round(step + (eta * done) / spent));
  }

  update(i: ProgressInfo): void {
    if (this.mode === 'none') return;
    if (this.mode === 'bar') {
      this.#inner ??= barReporter();
      this.#inner.update({ ...i, totalSteps: this.#total(i.step) });
      return;
    }
    if (i.step - this.#lastLine < this.every && i.step !== this.#budget.totalSteps) return;
    this.#lastLine = i.step;
    const total = this.#budget.totalSteps;
    const eta = this.eta(i.step);
    const parts = [
      `step ${i.step}${total !== undefined ? `/${total}` : ''}`,
      `epoch ${i.epoch + 1}`,
      `loss ${i.loss.toFixed(4)}`,
      i.rate !== undefined ? `${Math.round(i.rate).toLocaleString('en-US')} chars/s` : '',
      `elapsed ${clock((performance.now() - this.#t0) / 1000)}`,
      eta !== undefined ? `ETA ${clock(eta)}` : '',
    ];
    this.write(parts.filter(Boolean).join('  '));
  }

  /**
   * Progress of the final validation, `done` of `total` batches of `charsPerBatch` characters:
   * its own bar, or a line at every tenth of the way and at the end.
   */
  scoring(done: number, total: number, charsPerBatch: number): void {
    if (this.mode === 'none') return;
    if (!this.#scoring || done === 0) {
      this.stop();
      this.#scoring = { t0: performance.now(), shown: 0 };
    }
    const s = this.#scoring;
    const seconds = (performance.now() - s.t0) / 1000;
    const rate = done > 0 && seconds > 0 ? (done * charsPerBatch) / seconds : undefined;
    if (this.mode === 'bar') {
      s.bar ??= taskBar('final validation', 'chars');
      s.bar.update(done, total, rate);
      return;
    }
    const tenth = Math.floor((10 * done) / total);
    if (done === 0 || (tenth <= s.shown && done < total)) return;
    s.shown = tenth;
    const eta = rate !== undefined ? ((total - done) * charsPerBatch) / rate : undefined;
    const parts = [
      `final validation ${Math.floor((100 * done) / total)}%`,
      `${(done * charsPerBatch).toLocaleString('en-US')}/${(total * charsPerBatch).toLocaleString('en-US')} chars`,
      rate !== undefined ? `${Math.round(rate).toLocaleString('en-US')} chars/s` : '',
      `elapsed ${clock(seconds)}`,
      eta !== undefined && done < total ? `ETA ${clock(eta)}` : '',
    ];
    this.write(parts.filter(Boolean).join('  '));
  }

  log(line: string): void {
    if (this.#scoring?.bar) {
      this.#scoring.bar.stop();
      this.#scoring.bar = undefined;
    }
    if (this.#inner) this.#inner.log(line);
    else this.write(line);
  }

  stop(): void {
    this.#inner?.stop();
    this.#inner = undefined;
    this.#scoring?.bar?.stop();
    if (this.#scoring) this.#scoring.bar = undefined;
  }
}
