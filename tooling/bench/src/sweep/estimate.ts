import { flopsPerStep, pointName, type SweepPoint } from './grid.js';

/**
 * Rates assumed for a runner before any of its points has been measured, in flop/s: the JS
 * backend's kernels are a few times slower than native ones. They only decide whether the first
 * point of a run is worth starting; every later estimate comes from this run's own figures.
 */
const PRIOR_RATE: Record<string, number> = { js: 2e9 };
const PRIOR_RATE_NATIVE = 2e10;

/** A step-time estimate and what it was drawn from. */
export interface StepEstimate {
  seconds: number;
  /** The measured point it was scaled from, or 'prior' before any. */
  from: string;
  /** The rate used, flop/s. */
  rate: number;
}

interface MeasuredStep {
  point: SweepPoint;
  flops: number;
  /** flop/s */
  rate: number;
}

/**
 * The measured step times of one runner (an rnnkit backend or PyTorch), to estimate the time of
 * a point before running it: its flops at the rate of the largest measured point below it (rates
 * grow with size as fixed per-step costs fade, so scaling up from below errs on the slow side), or
 * of the smallest above it when none is below.
 */
export class StepTimes {
  readonly #measured: MeasuredStep[] = [];

  constructor(readonly runner: string) {}

  record(point: SweepPoint, secondsPerStep: number): void {
    if (!(secondsPerStep > 0)) return;
    const flops = flopsPerStep(point);
    this.#measured.push({ point, flops, rate: flops / secondsPerStep });
  }

  estimate(point: SweepPoint): StepEstimate {
    const flops = flopsPerStep(point);
    const below = this.#measured.filter((m) => m.flops <= flops);
    const above = this.#measured.filter((m) => m.flops > flops);
    const ref: MeasuredStep | undefined = below.length
      ? below.reduce((a, b) => (b.flops >= a.flops ? b : a))
      : above.reduce<MeasuredStep | undefined>(
          (a, b) => (a && a.flops <= b.flops ? a : b),
          undefined,
        );
    if (!ref) {
      const rate = PRIOR_RATE[this.runner] ?? PRIOR_RATE_NATIVE;
      return { seconds: flops / rate, from: 'prior', rate };
    }
    return { seconds: flops / ref.rate, from: pointName(ref.point), rate: ref.rate };
  }
}

/**
 * Why a point is not run, or undefined to run it: when its warm-up and minimum timed steps
 * would take longer than `maxSeconds` by the estimate.
 */
export function skipReason(
  est: StepEstimate,
  steps: number,
  maxSeconds: number,
): string | undefined {
  const total = est.seconds * steps;
  if (total <= maxSeconds) return undefined;
  const basis =
    est.from === 'prior'
      ? `an assumed ${(est.rate / 1e9).toFixed(0)} GFLOP/s`
      : `${(est.rate / 1e9).toFixed(1)} GFLOP/s as measured at ${est.from}`;
  return `estimated ${formatSeconds(est.seconds)} a step (${basis}), ${formatSeconds(total)} for ${steps} steps > --max-point-s ${maxSeconds}`;
}

export function formatSeconds(s: number): string {
  if (s >= 3600) return `${(s / 3600).toFixed(1)} h`;
  if (s >= 60) return `${(s / 60).toFixed(1)} min`;
  if (s >= 1) return `${s.toFixed(1)} s`;
  return `${(s * 1000).toFixed(0)} ms`;
}
