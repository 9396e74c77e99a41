import { RnnkitError } from '@rnnkit/core';

/** A character as users read it in messages: `'a'`, `'\n'`, `'é' (U+00E9)`. */
export function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const shown = JSON.stringify(ch);
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return cp >= 0x20 && cp < 0x7f ? `'${shown.slice(1, -1)}'` : `${shown} (${hex})`;
}

/** Code-point order (not UTF-16 code-unit order, which misplaces characters above U+FFFF). */
function byCodePoint(a: string, b: string): number {
  return (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0);
}

/** Text with characters a vocabulary does not know; `characters` lists them with their counts. */
export class UnknownCharacterError extends RnnkitError {
  override name = 'UnknownCharacterError';

  constructor(
    readonly characters: { char: string; count: number }[],
    context: string,
  ) {
    const shown = characters
      .slice(0, 20)
      .map((c) => `${describeChar(c.char)}${c.count > 1 ? ` ×${c.count}` : ''}`)
      .join(', ');
    const more = characters.length > 20 ? ` and ${characters.length - 20} more` : '';
    super(
      `${context} has ${characters.length} character${characters.length === 1 ? '' : 's'} the vocabulary does not know: ${shown}${more}`,
    );
  }
}

/** What a vocabulary looks like inside a checkpoint (JSON). */
export interface VocabularyJSON {
  /** The characters, in id order (each one Unicode code point). */
  chars: string[];
  /** The character unknown input maps to, when the vocabulary has one. */
  unknown?: string;
}

export interface VocabularyOptions {
  /**
   * Map characters the vocabulary does not know to this one (added to the vocabulary if the text
   * lacks it), instead of throwing `UnknownCharacterError`. Conventionally `'\uFFFD'`.
   */
  unknown?: string;
}

export interface EncodeOptions {
  /** Names the text in error messages (default 'text'). */
  context?: string;
  /** 'error' throws on unknown characters even when the vocabulary has an unknown token. */
  unknown?: 'map' | 'error';
}

/** The code points of a string, as one-character strings ('😀' is one, not two halves). */
export function codePoints(text: string): string[] {
  return Array.from(text);
}

/**
 * A character vocabulary: the distinct Unicode code points of a text, sorted by code point, each
 * with an id `0..size-1`. Saved inside checkpoints as `toJSON()`, restored with `fromJSON`.
 *
 * `encode` gives one id per code point (so Chinese text or emoji work, never UTF-16 halves);
 * characters outside the vocabulary throw an `UnknownCharacterError` listing them, or map to the
 * unknown token when the vocabulary was built with `{ unknown }`.
 */
export class Vocabulary {
  readonly chars: readonly string[];
  readonly unknown: string | undefined;
  readonly #ids = new Map<string, number>();

  private constructor(chars: string[], unknown: string | undefined) {
    if (chars.length === 0) throw new RnnkitError('Vocabulary: no characters');
    for (const [i, c] of chars.entries()) {
      if (typeof c !== 'string' || codePoints(c).length !== 1)
        throw new RnnkitError(
          `Vocabulary: entry ${i} must be one character (code point), got ${JSON.stringify(c)}`,
        );
      if (this.#ids.has(c))
        throw new RnnkitError(`Vocabulary: ${describeChar(c)} appears more than once`);
      this.#ids.set(c, i);
    }
    if (unknown !== undefined && !this.#ids.has(unknown))
      throw new RnnkitError(`Vocabulary: the unknown token ${describeChar(unknown)} is not in it`);
    this.chars = Object.freeze([...chars]);
    this.unknown = unknown;
  }

  /** The distinct characters of `text`, sorted by code point (plus `options.unknown`). */
  static fromText(text: string, options: VocabularyOptions = {}): Vocabulary {
    const set = new Set<string>(text);
    if (options.unknown !== undefined) {
      if (codePoints(options.unknown).length !== 1)
        throw new RnnkitError(
          `Vocabulary: the unknown token must be one character, got ${JSON.stringify(options.unknown)}`,
        );
      set.add(options.unknown);
    }
    if (set.size === 0)
      throw new RnnkitError('Vocabulary.fromText: the text is empty; there are no characters');
    return new Vocabulary([...set].sort(byCodePoint), options.unknown);
  }

  /** Restores a vocabulary saved with `toJSON()` (e.g. from a checkpoint), keeping its id order. */
  static fromJSON(json: unknown): Vocabulary {
    const j = json as Partial<VocabularyJSON> | null;
    if (!j || !Array.isArray(j.chars))
      throw new RnnkitError('Vocabulary.fromJSON: expected { chars: string[], unknown? }');
    return new Vocabulary(j.chars, j.unknown);
  }

  toJSON(): VocabularyJSON {
    return this.unknown === undefined
      ? { chars: [...this.chars] }
      : { chars: [...this.chars], unknown: this.unknown };
  }

  get size(): number {
    return this.chars.length;
  }

  has(ch: string): boolean {
    return this.#ids.has(ch);
  }

  /** The id of one character, or undefined. */
  id(ch: string): number | undefined {
    return this.#ids.get(ch);
  }

  /** The distinct characters of `text` this vocabulary lacks, most frequent first. */
  unknownIn(text: string): { char: string; count: number }[] {
    const counts = new Map<string, number>();
    for (const c of text) if (!this.#ids.has(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
    return [...counts]
      .map(([char, count]) => ({ char, count }))
      .sort((a, b) => b.count - a.count || byCodePoint(a.char, b.char));
  }

  /** One id per code point of `text`. */
  encode(text: string, options: EncodeOptions = {}): Int32Array {
    const map = this.unknown !== undefined && options.unknown !== 'error';
    const unk = map ? this.#ids.get(this.unknown!)! : -1;
    const out = new Int32Array(text.length); // code points ≤ UTF-16 units; trimmed below
    let n = 0;
    for (const c of text) {
      const id = this.#ids.get(c);
      if (id === undefined) {
        if (!map) throw new UnknownCharacterError(this.unknownIn(text), options.context ?? 'text');
        out[n++] = unk;
      } else out[n++] = id;
    }
    return n === out.length ? out : out.slice(0, n);
  }

  /** The characters of `ids`, joined. */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const c = this.chars[ids[i]];
      if (c === undefined)
        throw new RnnkitError(
          `Vocabulary.decode: id ${ids[i]} at position ${i} is outside 0..${this.size - 1}`,
        );
      s += c;
    }
    return s;
  }
}
