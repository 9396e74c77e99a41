import type { DeferredProduct } from './grad-sum.js';
import type { Tensor } from './tensor.js';

/** One recorded kernel call: its inputs, outputs and the rule that maps output grads to input grads. */
interface Entry {
  inputs: readonly Tensor[];
  outputs: readonly Tensor[];
  backward: Backward;
}

/**
 * A backward rule: output gradients in, one gradient per input out (null for none). A term
 * op(x)·op(y) may be returned as a `DeferredProduct`; the tape sums such terms as one product.
 */
export type Backward = (dys: Tensor[]) => (Tensor | DeferredProduct | null)[];

export class Tape {
  readonly entries: Entry[] = [];
  /** Tensors whose gradient is wanted or that depend on one. */
  readonly tracked = new Set<number>();

  /** A tape inside another (a lowered scan's body): the parent's tracked tensors count here too. */
  constructor(readonly parent?: Tape) {}

  isTracked(id: number): boolean {
    return this.tracked.has(id) || (this.parent?.isTracked(id) ?? false);
  }
}

const tapes: Tape[] = [];
let paused = 0;

function active(): Tape | undefined {
  return paused > 0 ? undefined : tapes[tapes.length - 1];
}

/** The tape ops record onto now, if any (a lowered scan chains its body's tape to it). */
export function activeTape(): Tape | undefined {
  return active();
}

/**
 * Runs `fn` recording onto `tape`, even inside `noGrad` (a lowered scan's backward builds its
 * body's gradient while the outer backward runs without recording).
 */
export function recordOnto<T>(tape: Tape, fn: () => T): T {
  const saved = paused;
  paused = 0;
  tapes.push(tape);
  try {
    return fn();
  } finally {
    tapes.pop();
    paused = saved;
  }
}

/** Runs `fn` recording onto `tape` unless recording is paused (`noGrad`): valueAndGrad's tape. */
export function recordingOn<T>(tape: Tape, fn: () => T): T {
  tapes.push(tape);
  try {
    return fn();
  } finally {
    tapes.pop();
  }
}

/** True while an op's result would be recorded for autograd. */
export function isRecording(): boolean {
  return active() !== undefined;
}

/**
 * Records an op for autograd when one of its inputs is tracked. `backward` gets the gradient of
 * each output (zeros filled in for outputs nobody used) and returns one gradient per input
 * (null for inputs with no gradient, such as int32 indices).
 */
export function record(
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
  backward: Backward,
): void {
  const tape = active();
  if (!tape) return;
  let needed = false;
  for (const x of inputs) {
    if (tape.isTracked(x.id)) {
      needed = true;
      break;
    }
  }
  if (!needed) return;
  for (const y of outputs) tape.tracked.add(y.id);
  tape.entries.push({ inputs, outputs, backward });
}

/** Runs `fn` without recording (gradients of what it computes are not taken). */
export function noGrad<T>(fn: () => T): T {
  paused++;
  try {
    return fn();
  } finally {
    paused--;
  }
}
