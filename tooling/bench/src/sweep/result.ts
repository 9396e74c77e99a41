/** What a sweep point's child process reports: the rnnkit child and the PyTorch peer alike. */
export interface PointResult {
  /** An rnnkit backend's name, or 'pytorch'. */
  runner: string;
  threads: number;
  hidden: number;
  seq: number;
  batch: number;
  warmup: number;
  /** Timed steps, and the seconds they took. */
  steps: number;
  seconds: number;
  charsPerSec: number;
  /** From the start of training to the end of warm-up (graph compilation included). */
  warmupSeconds: number;
  /** The process's peak resident set, KiB. */
  maxRssKiB: number;
  /** The loss of the last timed step. */
  loss: number;
  cpuShare: number;
  /** The Trainer's stepsPerCall, when the sweep named one (rnnkit only). */
  stepsPerCall?: number;
  /**
   * Where the timed window lies when the Trainer sized the calls (rnnkit only): 'settled at N per
   * call', or 'sizes still changing' when no stretch of one size filled the budget.
   */
  window?: string;
}

/** The child prints its result on one line after this prefix. */
export const RESULT_PREFIX = 'SWEEP_RESULT ';

const NUMBER_FIELDS = [
  'threads',
  'hidden',
  'seq',
  'batch',
  'warmup',
  'steps',
  'seconds',
  'charsPerSec',
  'warmupSeconds',
  'maxRssKiB',
  'loss',
  'cpuShare',
] as const;

/** The result in a child's output, or an error saying what is missing or malformed. */
export function parseResult(output: string): PointResult {
  const line = output.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (!line) throw new Error(`no '${RESULT_PREFIX.trim()}' line in the output`);
  const r = JSON.parse(line.slice(RESULT_PREFIX.length)) as Record<string, unknown>;
  if (typeof r.runner !== 'string') throw new Error('the result has no runner name');
  for (const k of NUMBER_FIELDS) {
    // JSON has no NaN: Python writes it as NaN (rejected by JSON.parse) unless it is null.
    if (r[k] === null) r[k] = Number.NaN;
    if (typeof r[k] !== 'number') throw new Error(`the result's ${k} is not a number`);
  }
  return r as unknown as PointResult;
}
