import { RnnkitError } from '@rnnkit/core';

/**
 * Checks of `rnnkit-onnx run`'s sizes and feeds before they reach an engine. ONNX Runtime aborts
 * the whole process (a native `terminate`, exit code 134) on some feeds instead of throwing, a
 * batch or sequence of size 0 among them, so every feed is checked here first.
 */

/** A size flag (`--batch`, `--seq`, `--max-token`): a positive integer. */
export function sizeFlag(flag: string, value: string | boolean | undefined, fallback: number) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isInteger(n) || n < 1) {
    throw new RnnkitError(`--${flag} must be a positive integer, got '${String(value)}'`);
  }
  return n;
}

/** `--seed`: any integer. */
export function seedFlag(value: string | boolean | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isInteger(n)) {
    throw new RnnkitError(`--seed must be an integer, got '${String(value)}'`);
  }
  return n;
}

/** A model input as `inspectOnnx` reports it: fixed sizes are numbers, named ones strings. */
export interface ModelInput {
  name: string;
  elemType: string;
  shape: (number | string)[];
}

/** A feed as the CLI holds it. */
export interface FeedValues {
  shape: number[];
  data: number[];
}

const fmt = (shape: readonly unknown[]) => `[${shape.join(', ')}]`;

/**
 * Checks every feed against its input: the rank, fixed sizes, sizes of at least 1 (an empty
 * batch or sequence has nothing to run), one size for each named dimension across inputs
 * (`batch` in the tokens and the state), as many values as the shape holds, and integers for
 * integer inputs. `source` names where the feeds came from, for the messages.
 */
export function checkFeeds(
  inputs: readonly ModelInput[],
  feeds: Record<string, FeedValues>,
  source: string,
): void {
  const named = new Map<string, { size: number; input: string }>();
  for (const input of inputs) {
    const f = feeds[input.name];
    const where = `input '${input.name}' (${source})`;
    if (!Array.isArray(f?.shape) || !Array.isArray(f?.data)) {
      throw new RnnkitError(`${where} needs "shape" and "data" arrays`);
    }
    const want = fmt(input.shape);
    // an input declared without a shape (rank 0 in the report) may take any rank
    if (input.shape.length > 0 && f.shape.length !== input.shape.length) {
      throw new RnnkitError(
        `${where} must have rank ${input.shape.length} ${want}, got shape ${fmt(f.shape)}`,
      );
    }
    f.shape.forEach((size, d) => {
      const dim = input.shape[d];
      if (!Number.isInteger(size) || size < 1) {
        throw new RnnkitError(
          `${where} has size ${size} in dimension ${d} of ${fmt(f.shape)}: every size must be a positive integer${typeof dim === 'string' ? ` (set '${dim}' with --batch/--seq or in the feeds file)` : ''}`,
        );
      }
      if (typeof dim === 'number' && dim > 0 && size !== dim) {
        throw new RnnkitError(`${where} must be ${want}, got ${fmt(f.shape)}`);
      }
      if (typeof dim === 'string' && dim !== '' && dim !== '?') {
        const seen = named.get(dim);
        if (seen && seen.size !== size) {
          throw new RnnkitError(
            `${where} has ${dim} = ${size} (shape ${fmt(f.shape)}), but input '${seen.input}' has ${dim} = ${seen.size}: one size per named dimension`,
          );
        }
        named.set(dim, { size, input: input.name });
      }
    });
    const count = f.shape.reduce((a, b) => a * b, 1);
    if (f.data.length !== count) {
      throw new RnnkitError(
        `${where} has ${f.data.length} values, but shape ${fmt(f.shape)} holds ${count}`,
      );
    }
    const integer = /int/.test(input.elemType);
    const bad = f.data.findIndex((x) =>
      integer ? !Number.isSafeInteger(x) : typeof x !== 'number' || Number.isNaN(x),
    );
    if (bad >= 0) {
      throw new RnnkitError(
        `${where} value ${bad} is ${JSON.stringify(f.data[bad])}: ${input.elemType} inputs take ${integer ? 'integers' : 'numbers'}`,
      );
    }
  }
}
