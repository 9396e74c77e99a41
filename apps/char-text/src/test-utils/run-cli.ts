import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';

const run = promisify(execFile);

/** The built CLI these tests run, as a user would. */
export const cli = resolve(import.meta.dirname, '../../dist/cli.js');

export function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) dir = dirname(dir);
  return dir;
}

export const shakespeare = resolve(repoRoot(), '../shared/data/tinyshakespeare.txt');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI; resolves with exit code and output even on failure. */
export async function ct(
  args: string[],
  o: { env?: Record<string, string>; cwd?: string; nodeArgs?: string[] } = {},
): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...(o.nodeArgs ?? []), cli, ...args], {
      env: { ...process.env, CI: 'true', ...o.env },
      cwd: o.cwd,
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Runs the built CLI and expects it to succeed; resolves with its stdout. */
export async function ok(
  args: string[],
  o: { env?: Record<string, string>; cwd?: string } = {},
): Promise<string> {
  const r = await ct(args, o);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/**
 * A tiny model and short batches, so every run takes well under a second of training. On js, the
 * reference backend, which needs no ONNX Runtime worker; resume-onnx.test.ts runs the bit-for-bit
 * resume comparisons on onnx (steps grouped into calls by the clock) and backend-auto.test.ts
 * runs the default backend.
 */
export const TINY = [
  '--backend',
  'js',
  '--hidden',
  '16',
  '--batch',
  '4',
  '--seq',
  '16',
  '--validate-every',
  '5',
  '--sample-length',
  '0',
  '--progress',
  'lines',
  '--log-every',
  '1',
  '--no-plot',
];

/**
 * Options that run the CLI as if `packages` were not installed (tooling/scripts/hide-packages.mjs:
 * Node's own not-found errors for them, nothing else changed).
 */
export function without(...packages: string[]) {
  return {
    nodeArgs: ['--import', resolve(repoRoot(), 'tooling/scripts/hide-packages.mjs')],
    env: { RNNKIT_HIDE_PACKAGES: packages.join(',') },
  };
}
