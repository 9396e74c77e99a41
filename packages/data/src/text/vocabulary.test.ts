import { readFileSync } from 'node:fs';
import { RnnkitError } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { shakespearePath } from './test-utils/shared.js';
import { codePoints, describeChar, UnknownCharacterError, Vocabulary } from './vocabulary.js';

describe('Vocabulary', () => {
  it('is the distinct characters sorted by code point, and round-trips ASCII', () => {
    const v = Vocabulary.fromText('hello world');
    expect(v.chars).toEqual([' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
    expect(v.size).toBe(8);
    const ids = v.encode('hello world');
    expect(ids).toBeInstanceOf(Int32Array);
    expect(Array.from(ids)).toEqual([3, 2, 4, 4, 5, 0, 7, 5, 6, 4, 1]);
    expect(v.decode(ids)).toBe('hello world');
  });

  it('counts code points, not UTF-16 halves: Chinese, emoji, accents round-trip', () => {
    const text = '春眠不觉晓 😀👍🏽 naïve café — Ωmega 𝔘𝔫𝔦𝔠𝔬𝔡𝔢';
    const v = Vocabulary.fromText(text);
    for (const c of v.chars) expect(codePoints(c)).toHaveLength(1);
    expect(v.chars).toContain('😀');
    expect(v.chars).toContain('🏽'); // skin-tone modifier: its own code point
    const ids = v.encode(text);
    expect(ids.length).toBe(codePoints(text).length);
    expect(ids.length).toBeLessThan(text.length); // astral characters are two UTF-16 units
    expect(v.decode(ids)).toBe(text);
    // code-point order puts astral characters after every BMP one, e.g. after '—' (U+2014)
    expect(v.chars.indexOf('😀')).toBeGreaterThan(v.chars.indexOf('春'));
  });

  it('survives JSON (as in a checkpoint) with the same ids', () => {
    const v = Vocabulary.fromText('ab\nc😀', { unknown: '\uFFFD' });
    const back = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(back.chars).toEqual(v.chars);
    expect(back.unknown).toBe('\uFFFD');
    expect(Array.from(back.encode('c😀\nzz'))).toEqual(Array.from(v.encode('c😀\nzz')));
  });

  it('throws an UnknownCharacterError listing the unknown characters with counts', () => {
    const v = Vocabulary.fromText('abc');
    let err: unknown;
    try {
      v.encode('abXcYéX😀', { context: 'prime text' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnknownCharacterError);
    expect(err).toBeInstanceOf(RnnkitError);
    const e = err as UnknownCharacterError;
    expect(e.characters).toEqual([
      { char: 'X', count: 2 },
      { char: 'Y', count: 1 },
      { char: 'é', count: 1 },
      { char: '😀', count: 1 },
    ]);
    expect(e.message).toBe(
      'prime text has 4 characters the vocabulary does not know: \'X\' ×2, \'Y\', "é" (U+00E9), "😀" (U+1F600)',
    );
  });

  it('maps unknown characters to the unknown token when asked for one', () => {
    const v = Vocabulary.fromText('abc', { unknown: '\uFFFD' });
    expect(v.size).toBe(4);
    expect(v.decode(v.encode('aXc'))).toBe('a\uFFFDc');
    expect(() => v.encode('aXc', { unknown: 'error' })).toThrow(UnknownCharacterError);
  });

  it('rejects empty text, bad tokens and ids out of range', () => {
    expect(() => Vocabulary.fromText('')).toThrow('the text is empty');
    expect(() => Vocabulary.fromText('ab', { unknown: '??' })).toThrow('must be one character');
    expect(() => Vocabulary.fromJSON({ chars: ['a', 'a'] })).toThrow('appears more than once');
    expect(() => Vocabulary.fromJSON({ chars: ['ab'] })).toThrow('must be one character');
    expect(() => Vocabulary.fromJSON(null)).toThrow('expected { chars');
    expect(() => Vocabulary.fromText('ab').decode([0, 2])).toThrow('id 2 at position 1');
  });

  it('describes characters readably', () => {
    expect(describeChar('a')).toBe("'a'");
    expect(describeChar('\n')).toBe('"\\n" (U+000A)');
    expect(describeChar('ü')).toBe('"ü" (U+00FC)');
  });

  it('has the 65 characters of tiny Shakespeare and encodes it exactly', () => {
    const text = readFileSync(shakespearePath(), 'utf8');
    const v = Vocabulary.fromText(text);
    expect(v.size).toBe(65);
    expect(v.chars.slice(0, 3)).toEqual(['\n', ' ', '!']);
    const ids = v.encode(text);
    expect(ids.length).toBe(1_115_394);
    expect(v.decode(ids.subarray(0, 14))).toBe('First Citizen:');
  });
});
