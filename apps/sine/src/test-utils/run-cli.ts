import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The built CLI these tests run, as a user would. */
export const cli = resolve(import.meta.dirname, '../../dist/cli.js');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI; resolves with exit code and output even on failure. */
export async function sine(
  args: string[],
  o: { env?: Record<string, string>; cwd?: string; nodeArgs?: string[] } = {},
): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...(o.nodeArgs ?? []), cli, ...args], {
      env: { ...process.env, CI: 'true', ...o.env },
      cwd: o.cwd,
      // the README demo trains the default model, the longest of these runs
      timeout: 240_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/**
 * Options that run the CLI as if `packages` were not installed (tooling/scripts/hide-packages.mjs:
 * Node's own not-found errors for them, nothing else changed).
 */
export function without(...packages: string[]) {
  return {
    nodeArgs: [
      '--import',
      resolve(import.meta.dirname, '../../../../tooling/scripts/hide-packages.mjs'),
    ],
    env: { RNNKIT_HIDE_PACKAGES: packages.join(',') },
  };
}
