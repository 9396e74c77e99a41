import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Snippet } from './snippets.js';
import { stripTypes, typecheckSnippet } from './typecheck-snippet.js';

/**
 * Snippets are written here, inside this package, because Node resolves a file's bare imports
 * (`@rnnkit/cells`) from the file's own folder upwards: this package depends on every `@rnnkit`
 * package, so a snippet finds them all, built, as a user's project would. Under node_modules/.cache
 * (where tools keep scratch files) git, Biome and turbo never see a file a killed run left behind.
 */
const snippetsDir = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../node_modules/.cache/readme-snippets',
);

export interface RunOptions {
  /** The snippet is killed after this long (a README example must stay quick). */
  timeoutMs: number;
  /** Extra environment variables for the snippet's process. */
  env?: Record<string, string>;
  /** How the snippet's lines are named in messages: `where(3)` for its third line. */
  where: (line: number) => string;
}

export interface RunResult {
  ok: boolean;
  /** Why it failed, with its output; empty when it ran. */
  failure: string;
}

/**
 * Runs one snippet as `node snippet.mjs` in a fresh, empty working folder (files it writes land
 * there and are removed afterwards). A TypeScript snippet is type-checked first, then run with its
 * types stripped. The snippet fails if it throws, exits non-zero, type-checks with errors or runs
 * past the time limit.
 */
export async function runSnippet(snippet: Snippet, o: RunOptions): Promise<RunResult> {
  mkdirSync(snippetsDir, { recursive: true });
  const codeDir = mkdtempSync(join(snippetsDir, 'run-'));
  const cwd = mkdtempSync(join(tmpdir(), 'rnnkit-snippet-'));
  try {
    const file = join(codeDir, 'snippet.mjs');
    if (snippet.kind === 'ts') {
      const source = join(codeDir, 'snippet.mts');
      writeFileSync(source, snippet.code);
      const problems = typecheckSnippet(source);
      if (problems.length > 0) {
        const lines = problems.map(
          (p) => `${p.line ? o.where(p.line) : 'type-check'}: ${p.message}`,
        );
        return { ok: false, failure: `type errors:\n${lines.join('\n')}` };
      }
      writeFileSync(file, stripTypes(snippet.code));
    } else {
      writeFileSync(file, snippet.code);
    }
    const run = await runNode(file, cwd, o);
    // Stack traces name snippet.mjs; name the README lines instead (JS keeps its lines as written).
    const output =
      snippet.kind === 'js'
        ? run.output.replace(/(?:file:\/\/)?\S*snippet\.mjs:(\d+)/g, (_, n) => o.where(Number(n)))
        : run.output;
    const shown = tail(output) + missingPackageHint(output);
    if (run.timedOut) {
      return {
        ok: false,
        failure: `still running after ${o.timeoutMs / 1000} s and killed; make the README example smaller (it is what a user runs first)\n${shown}`,
      };
    }
    if (run.code !== 0) {
      return { ok: false, failure: `exited with ${run.signal ?? `code ${run.code}`}\n${shown}` };
    }
    return { ok: true, failure: '' };
  } finally {
    rmSync(codeDir, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** The last lines of a snippet's output: where it failed. */
function tail(output: string, lines = 40): string {
  const all = output.trimEnd().split('\n');
  return (all.length > lines ? ['…', ...all.slice(-lines)] : all).join('\n');
}

/** A package the snippet imports but this harness package does not depend on. */
function missingPackageHint(output: string): string {
  const name = /Cannot find package '([^']+)'/.exec(output)?.[1];
  return name
    ? `\n(if ${name} is a real package, add it to the dependencies of tooling/readme-snippets/package.json)`
    : '';
}

interface NodeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  output: string;
}

function runNode(file: string, cwd: string, o: RunOptions): Promise<NodeRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [file], {
      cwd,
      env: { ...process.env, ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code, signal, timedOut, output });
    });
  });
}
