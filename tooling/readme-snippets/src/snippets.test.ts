import { describe, expect, test } from 'vitest';
import { findSnippets } from './snippets.js';

const fence = '```';

describe('findSnippets', () => {
  test('finds js, javascript, mjs, ts and typescript blocks with the line of their fence', () => {
    const md = [
      '# Title', // 1
      `${fence}js`, // 2
      'a();',
      fence,
      `${fence}sh`, // 5: not a snippet
      'npm test',
      fence,
      `${fence}javascript`, // 8
      'b();',
      fence,
      '- a list item:', // 11
      '',
      `  ${fence}mjs`, // 13: inside the list
      '  c();',
      `  ${fence}`,
      `${fence}ts`, // 16
      'const d: number = 1;',
      fence,
      `${fence}typescript title="x.ts"`, // 19
      'e();',
      fence,
      `${fence}json`, // 22: not a snippet
      '{}',
      fence,
    ].join('\n');
    const { snippets, problems } = findSnippets(md);
    expect(problems).toEqual([]);
    expect(snippets.map((s) => [s.line, s.kind, s.code.trim(), s.excerpt])).toEqual([
      [2, 'js', 'a();', undefined],
      [8, 'js', 'b();', undefined],
      [13, 'js', 'c();', undefined],
      [16, 'ts', 'const d: number = 1;', undefined],
      [19, 'ts', 'e();', undefined],
    ]);
  });

  test('a marker on the line right before a block makes it an excerpt with its reason', () => {
    const md = [
      'Text.',
      '',
      '<!-- snippet: excerpt — continues the example above -->',
      `${fence}js`,
      'more();',
      fence,
      '<!-- snippet: excerpt - a plain hyphen works too -->',
      `${fence}ts`,
      'x;',
      fence,
    ].join('\n');
    const { snippets, problems } = findSnippets(md);
    expect(problems).toEqual([]);
    expect(snippets.map((s) => [s.line, s.excerpt])).toEqual([
      [4, 'continues the example above'],
      [8, 'a plain hyphen works too'],
    ]);
  });

  test('a marker without a reason, a misspelt one and one away from a block are problems', () => {
    const md = [
      '<!-- snippet: excerpt -->', // 1: no reason
      `${fence}js`,
      'a();',
      fence,
      '<!-- snippet: exerpt — typo -->', // 5: unknown
      `${fence}js`,
      'b();',
      fence,
      '<!-- snippet: excerpt — a blank line follows -->', // 9: not right before a block
      '',
      `${fence}js`,
      'c();',
      fence,
      '<!-- snippet: excerpt — before a shell block -->', // 14: not a js/ts block
      `${fence}sh`,
      'ls',
      fence,
    ].join('\n');
    const { snippets, problems } = findSnippets(md);
    expect(problems.map((p) => p.line)).toEqual([1, 5, 9, 14]);
    expect(problems[0].message).toContain('unknown snippet marker');
    expect(problems[1].message).toContain('<!-- snippet: excerpt — <reason> -->');
    expect(problems[2].message).toContain('not on the line right before');
    expect(problems[3].message).toContain('not on the line right before');
    // None of the three blocks is taken for an excerpt: each of them runs.
    expect(snippets.map((s) => s.excerpt)).toEqual([undefined, undefined, undefined]);
  });
});
