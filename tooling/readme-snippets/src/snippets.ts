import MarkdownIt from 'markdown-it';

/**
 * Code blocks whose language is one of these are snippets: each one runs, unless the line before
 * it marks it as an excerpt. TypeScript ones are type-checked first.
 */
export const SNIPPET_LANGUAGES: Record<string, 'js' | 'ts'> = {
  js: 'js',
  javascript: 'js',
  mjs: 'js',
  ts: 'ts',
  typescript: 'ts',
  mts: 'ts',
};

/** The one marker, on the line right before a block: `<!-- snippet: excerpt — <reason> -->`. */
export const EXCERPT_MARKER = '<!-- snippet: excerpt — <reason> -->';

/** One JavaScript or TypeScript block of a README. */
export interface Snippet {
  /** 1-based line of the opening fence. */
  line: number;
  kind: 'js' | 'ts';
  code: string;
  /** Set when the block is marked as an excerpt: the reason it does not run. */
  excerpt?: string;
}

/** A `<!-- snippet: ... -->` comment that the harness cannot honour. */
export interface MarkerProblem {
  line: number;
  message: string;
}

export interface ReadmeSnippets {
  snippets: Snippet[];
  problems: MarkerProblem[];
}

const markdown = new MarkdownIt('commonmark');
const MARKER = /^<!--\s*snippet\b\s*:?([\s\S]*?)-->\s*$/;
const EXCERPT = /^excerpt\s*(?:—|–|-{1,2}|:)\s*(\S[\s\S]*)$/;

/**
 * Finds the JavaScript and TypeScript blocks of a markdown text and the excerpt markers before
 * them. A marker must be an HTML comment that ends on the line right before the block's opening
 * fence and give a reason; anything else starting `<!-- snippet` is reported as a problem, so a
 * misspelt marker cannot quietly let a broken block run (or a runnable one be skipped).
 */
export function findSnippets(markdownText: string): ReadmeSnippets {
  const tokens = markdown.parse(markdownText, {});
  const markers = new Map<number, { line: number; reason?: string; used: boolean }>();
  const problems: MarkerProblem[] = [];
  for (const token of tokens) {
    if (token.type !== 'html_block' || !token.map) continue;
    const text = token.content.trim();
    if (!/^<!--\s*snippet\b/.test(text)) continue;
    const line = token.map[0] + 1;
    const body = MARKER.exec(text)?.[1].trim();
    const reason = body === undefined ? undefined : EXCERPT.exec(body)?.[1].trim();
    if (reason === undefined) {
      problems.push({
        line,
        message: `unknown snippet marker ${JSON.stringify(text)}; the only marker is ${EXCERPT_MARKER}, with a reason`,
      });
      continue;
    }
    markers.set(token.map[1], { line, reason, used: false });
  }
  const snippets: Snippet[] = [];
  for (const token of tokens) {
    if (token.type !== 'fence' || !token.map) continue;
    const kind = SNIPPET_LANGUAGES[token.info.trim().split(/\s+/)[0].toLowerCase()];
    if (!kind) continue;
    const marker = markers.get(token.map[0]);
    if (marker) marker.used = true;
    snippets.push({ line: token.map[0] + 1, kind, code: token.content, excerpt: marker?.reason });
  }
  for (const marker of markers.values()) {
    if (!marker.used) {
      problems.push({
        line: marker.line,
        message: `snippet marker is not on the line right before a ${Object.keys(SNIPPET_LANGUAGES).join('/')} code block; move it there or delete it`,
      });
    }
  }
  return { snippets, problems: problems.sort((a, b) => a.line - b.line) };
}
