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

/** A library error message in this CLI's terms: API field names replaced by the flags that set them. */
export function inFlagTerms(message: string): string {
  let m = message;
  for (const [name, flag] of FLAG_OF) m = m.replace(name, flag);
  return m;
}
