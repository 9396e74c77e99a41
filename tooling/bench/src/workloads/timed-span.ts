import { liveTensors } from '../harness.js';

/**
 * Which blocks a timed window may hold: 'one size', only blocks of the size of the block before
 * the window, so that it holds neither the sizer's ramp nor a graph built for a new size (a long
 * run spends almost all its time so); 'sizes seen', blocks of sizes that an earlier block had (no
 * graph is built in the window, but the sizer still moves between sizes); 'any'.
 */
export type SpanRule = 'one size' | 'sizes seen' | 'any';

/**
 * Blocks of its size that end before a 'one size' window may start: the first built the size's
 * graph, and a runtime may take one more call to settle (ONNX Runtime Web's second call of a
 * new graph ran 1.1-1.4 times as long as its later ones: its arena and memory plan grow then).
 */
export const SETTLE_BLOCKS = 2;

/**
 * The timed window of a run whose blocks the Trainer sized: from a block end at or after
 * `warmup` (under 'one size', the end of SETTLE_BLOCKS blocks of the window's size) to the first
 * block end after it where `long(from, to)` holds, its blocks as `rule` allows; the earliest such
 * window. Null while there is none.
 */
export function blockSpan(
  ends: readonly number[],
  warmup: number,
  long: (from: number, to: number) => boolean,
  rule: SpanRule = 'one size',
): readonly [number, number] | null {
  const size = (i: number) => ends[i] - (i > 0 ? ends[i - 1] : 0);
  const firstOfSize = new Set<number>();
  const seen = new Set<number>();
  for (let i = 0; i < ends.length; i++) {
    if (!seen.has(size(i))) firstOfSize.add(i);
    seen.add(size(i));
  }
  const fits = (i: number, j: number) =>
    rule === 'any' || (rule === 'one size' ? size(j) === size(i) : !firstOfSize.has(j));
  // SETTLE_BLOCKS blocks of one size end at i
  const settled = (i: number) =>
    i + 1 >= SETTLE_BLOCKS &&
    Array.from({ length: SETTLE_BLOCKS }, (_, b) => size(i - b)).every((n) => n === size(i));
  for (let i = 0; i < ends.length; i++) {
    if (ends[i] < warmup || (rule === 'one size' && !settled(i))) continue;
    for (let j = i + 1; j < ends.length; j++) {
      if (!fits(i, j)) break;
      if (long(ends[i], ends[j])) return [ends[i], ends[j]];
    }
    if (rule === 'any') return null;
  }
  return null;
}

/**
 * blockSpan over `measure` steps or more after `warmup` steps; `settled` false: the first
 * window after the warm-up, whatever its blocks.
 */
export function timedSpan(
  ends: readonly number[],
  s: { warmup: number; measure: number },
  settled = true,
): readonly [number, number] | null {
  return blockSpan(
    ends,
    s.warmup,
    (from, to) => to >= from + s.measure,
    settled ? 'one size' : 'any',
  );
}

/** How many blocks end in (from, to]. */
export function blocksIn(ends: readonly number[], from: number, to: number): number {
  return ends.filter((e) => e > from && e <= to).length;
}

/** Where a window lies, for a row's notes: the steps per call it settled at, or which it held. */
export function windowNote(
  ends: readonly number[],
  span: readonly [number, number],
  rule: SpanRule,
): string {
  const [from, to] = span;
  if (rule === 'one size') return `settled at ${(to - from) / blocksIn(ends, from, to)} per call`;
  const sizes = ends.flatMap((e, i) =>
    e > from && e <= to ? [e - (i > 0 ? ends[i - 1] : 0)] : [],
  );
  const range = `${Math.min(...sizes)}–${Math.max(...sizes)} per call`;
  return rule === 'sizes seen'
    ? `sizes still changing: ${range}, no new graph`
    : `sizes still changing: ${range}`;
}

/**
 * The last step of each block, with the live tensors then. A block's steps reach onStep together,
 * after its calls, with no await between them; the microtask queued by its first step runs once
 * they all have.
 */
export class BlockEnds {
  readonly all: number[] = [];
  readonly live: number[] = [];
  #last = 0;
  #queued = false;

  step(step: number): void {
    this.#last = step;
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.all.push(this.#last);
      this.live[this.#last] = liveTensors();
    });
  }
}
