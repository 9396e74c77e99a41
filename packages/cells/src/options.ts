import { fmtShape, RnnkitError, ShapeError, type Tensor } from '@rnnkit/core';
import type { Nonlinearity } from './cell-def.js';

/**
 * Option checks shared by layers and cells. Plain JavaScript callers (and JSON configs) can pass
 * anything, so each value is checked once at construction and the error names the option, the
 * value received and what is accepted.
 */

export const NONLINEARITIES: readonly Nonlinearity[] = ['tanh', 'relu', 'linear'];

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : String(v);
}

export function checkPositiveInt(who: string, name: string, v: unknown): void {
  if (!Number.isInteger(v) || (v as number) <= 0)
    throw new RnnkitError(`${who}: ${name} must be a positive integer, got ${show(v)}`);
}

export function checkBool(who: string, name: string, v: unknown): void {
  if (v !== undefined && typeof v !== 'boolean')
    throw new RnnkitError(`${who}: ${name} must be true or false, got ${show(v)}`);
}

export function checkNonlinearity(who: string, v: unknown): void {
  if (v !== undefined && !NONLINEARITIES.includes(v as Nonlinearity))
    throw new RnnkitError(
      `${who}: unknown nonlinearity ${show(v)}; choose one of ${NONLINEARITIES.map(show).join(', ')}`,
    );
}

export function checkDropout(who: string, v: unknown): void {
  if (v !== undefined && !(typeof v === 'number' && v >= 0 && v < 1))
    throw new RnnkitError(`${who}: dropout must be a probability in [0, 1), got ${show(v)}`);
}

export function checkFinite(who: string, name: string, v: unknown): void {
  if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v)))
    throw new RnnkitError(`${who}: ${name} must be a finite number, got ${show(v)}`);
}

/**
 * Checks a per-step input [batch, inputSize] or a sequence [batch, time, inputSize] (order
 * `dims`); the message names the expected and received shapes and how to fix the call.
 */
export function checkInput(
  who: string,
  x: Tensor,
  dims: readonly string[],
  inputSize: number,
): void {
  const rank = dims.length + 1;
  const want = `[${[...dims, inputSize].join(', ')}]`;
  if (x.rank === rank && x.shape[rank - 1] === inputSize) return;
  let fix: string;
  if (x.rank === rank - 1 && x.shape[x.rank - 1] === inputSize) {
    const withBatch = [...x.shape];
    withBatch.splice(Math.max(0, dims.indexOf('batch')), 0, 1);
    fix = `for a batch of one add the batch dimension: reshape(x, ${fmtShape(withBatch)})`;
  } else if (x.rank !== rank) fix = `pass a ${rank}-D tensor ${want}`;
  else
    fix = `the last dimension must equal inputSize ${inputSize}; build the layer with inputSize: ${x.shape[rank - 1]} or project the features first`;
  throw new ShapeError(`${who}: input must be ${want}, got ${fmtShape(x.shape)}; ${fix}`);
}
