// Text corpora from files: Node only, so the Node entry (index.ts) exports it and portable.ts
// does not.
import { readFileSync } from 'node:fs';
import { RnnkitError } from '@rnnkit/core';
import { checkCorpusText, type TextCorpus } from './corpus.js';

/**
 * Reads a UTF-8 text file (a byte-order mark is dropped). Invalid UTF-8, a missing file, an empty
 * file or a one-character file give an error naming the file.
 */
export function fromFile(path: string): TextCorpus {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : (code ?? (e as Error).message);
    throw new RnnkitError(`cannot read text file ${path}: ${why}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new RnnkitError(
      `text file ${path} is not valid UTF-8; convert it first (e.g. iconv -f latin1 -t utf-8)`,
    );
  }
  checkCorpusText(text, `text file ${path}`);
  const name = path.split(/[\\/]/).pop() || path;
  return { name, source: path, text };
}
