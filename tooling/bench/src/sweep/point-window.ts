import { blockSpan, type SpanRule } from '../workloads/timed-span.js';

/** How a sweep point chooses its timed steps. */
export interface WindowSpec {
  /** Steps before the window may start (graph compilation happens here). */
  warmup: number;
  /** The window holds at least this many steps... */
  minSteps: number;
  /** ...and lasts at least this long (ms). */
  budgetMs: number;
}

/**
 * Without a settled window after this many budgets past the warm-up, a point stops and times
 * the first window after the warm-up that holds no new graph, or failing that any blocks (the
 * row says which).
 */
export const UNSETTLED_BUDGETS = 3;

/**
 * A sweep point's timed window: from a block end at or after the warm-up to the first block end
 * that closes `minSteps` steps and `budgetMs` of wall time, in blocks of one size only (the
 * Trainer's sizer has stopped changing it: no ramp and no graph built for a new size is timed,
 * as in the bench's char workloads). `wallMs(step)`: the clock when the step's block ended.
 * `rule`: which blocks the window may hold (see SpanRule). Null while there is none.
 */
export function pointWindow(
  ends: readonly number[],
  wallMs: (step: number) => number,
  s: WindowSpec,
  rule: SpanRule = 'one size',
): readonly [number, number] | null {
  return blockSpan(
    ends,
    s.warmup,
    (from, to) => to - from >= s.minSteps && wallMs(to) - wallMs(from) >= s.budgetMs,
    rule,
  );
}

/** The window a finished point times: settled if it can be, else the fallbacks in turn. */
export function chosenWindow(
  ends: readonly number[],
  wallMs: (step: number) => number,
  s: WindowSpec,
): { span: readonly [number, number]; rule: SpanRule } | null {
  for (const rule of ['one size', 'sizes seen', 'any'] as const) {
    const span = pointWindow(ends, wallMs, s, rule);
    if (span) return { span, rule };
  }
  return null;
}
