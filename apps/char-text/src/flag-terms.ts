/**
 * The library's names for what this CLI's flags set. Errors that the data and training packages
 * raise on the CLI's behalf name their API fields; the user typed flags.
 */
const FLAG_OF: [RegExp, string][] = [
  [/\bvalidationFraction\b/g, '--val-fraction'],
  [/\bmaxValidationChars\b/g, '--val-chars'],
  [/\bseqLength\b|\bsequence length\b/g, '--seq'],
  [/\bbatchSize\b|\bbatch size\b/g, '--batch'],
  [/\bstepsPerCall\b/g, '--steps-per-call'],
  [/\bvalidateEvery\b/g, '--validate-every'],
  [/\btopK\b/g, '--top-k'],
];

/** A library function named at the start of its message (`splitText: `, `Trainer.fit: `). */
const API_PREFIX = /^[A-Za-z]+(\.[A-Za-z]+)?: /;

/**
 * A library error message in this CLI's terms: without the API function it starts with, and with
 * API field names replaced by the flags that set them.
 */
export function inFlagTerms(message: string): string {
  let m = message.replace(API_PREFIX, '');
  for (const [name, flag] of FLAG_OF) m = m.replace(name, flag);
  return m;
}
