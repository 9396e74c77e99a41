import { RnnkitError } from '@rnnkit/core';
import { expect } from 'vitest';

/** The message of the RnnkitError `fn` throws; fails the test when it throws none or another kind. */
export function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RnnkitError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}
