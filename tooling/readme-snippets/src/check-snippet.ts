import { runSnippet } from './run-snippet.js';
import { EXCERPT_MARKER, type Snippet } from './snippets.js';

export interface CheckOptions {
  /** The snippet is killed after this long. */
  timeoutMs: number;
  /** Extra environment variables for the snippet's process. */
  env?: Record<string, string>;
}

/**
 * Runs one block of `readme` (a path relative to the repository root). Returns nothing when it
 * ran, else what went wrong, starting with `readme:line` and ending with the two ways to fix it.
 */
export async function checkSnippet(
  readme: string,
  snippet: Snippet,
  o: CheckOptions,
): Promise<string | undefined> {
  const result = await runSnippet(snippet, {
    ...o,
    where: (line) => `${readme}:${snippet.line + line}`,
  });
  if (result.ok) return undefined;
  return (
    `${readme}:${snippet.line}: this ${snippet.kind} block does not run as written: ${result.failure}\n` +
    `Fix the block (a block that needs a file makes it first), or if it is a fragment, put ${EXCERPT_MARKER} on the line before it.`
  );
}
