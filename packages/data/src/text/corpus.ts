import { RnnkitError } from '@rnnkit/core';

/** A text to learn from, with where it came from (for messages and checkpoints). */
export interface TextCorpus {
  /** Short name: a file name, 'sotu', 'tinyshakespeare', 'string'. */
  name: string;
  /** Where the text was read from: a path, a URL, a package, or 'string'. */
  source: string;
  /** The whole text. */
  text: string;
}

/** The number of Unicode code points of `text` (what a char model counts as characters). */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Throws a clear error unless `text` has at least two characters: a character model learns to
 * predict each character from the ones before it, so it needs one input and one target at least.
 */
export function checkCorpusText(text: string, name: string): void {
  if (text.length === 0)
    throw new RnnkitError(`${name} is empty: a character model needs text to learn from`);
  if (charLength(text) < 2)
    throw new RnnkitError(
      `${name} has only one character (${JSON.stringify(text)}): a character model needs at least two, one to read and one to predict`,
    );
}

/** A corpus from a string; `name` labels it in messages. */
export function fromString(text: string, name = 'string'): TextCorpus {
  if (typeof text !== 'string')
    throw new RnnkitError(`fromString: expected a string, got ${typeof text}`);
  checkCorpusText(text, `text '${name}'`);
  return { name, source: 'string', text };
}
