import { RnnkitError } from '@rnnkit/core';
import { checkCorpusText, type TextCorpus } from './corpus.js';

export interface UrlCorpusOptions {
  /** Short name for messages (default: the URL's last path segment). */
  name?: string;
  /** The fetch to use (default the global one: browsers, Web Workers, Node ≥ 18). */
  fetch?: typeof fetch;
}

/**
 * A corpus fetched from a URL as UTF-8 text, with no file system: what a page or a Web Worker
 * uses (a bundled asset's URL, or any server that allows the request). A failed request or an
 * unsuitable text gives an error naming the URL.
 */
export async function fromUrl(
  url: string | URL,
  options: UrlCorpusOptions = {},
): Promise<TextCorpus> {
  const href = String(url);
  const name = options.name ?? (href.split(/[?#]/)[0].split('/').filter(Boolean).at(-1) || href);
  let res: Response;
  try {
    res = await (options.fetch ?? fetch)(href);
  } catch (e) {
    throw new RnnkitError(`cannot fetch the corpus ${href}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (!res.ok)
    throw new RnnkitError(
      `cannot fetch the corpus ${href}: the server answered ${res.status} ${res.statusText}`.trim(),
    );
  const text = await res.text();
  checkCorpusText(text, `the corpus at ${href}`);
  return { name, source: href, text };
}
