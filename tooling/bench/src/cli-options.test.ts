import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The bench's command line, run as a user runs it (the built CLI in a child process): help,
// a mistyped option, and a backend that cannot start on this machine.

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = async (args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
};

describe('rnnkit-bench options', () => {
  it('--help lists the workloads and backends', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('char-lstm');
    expect(r.stdout).toContain('backends available:');
  });

  it('a mistyped option gets one line and the way to the list, not a stack trace', async () => {
    const r = await run(['--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--bogus'");
    expect(r.stderr).toContain('rnnkit-bench --help');
    expect(r.stderr).not.toContain('    at ');
  });

  it('a backend named on the command line that cannot start here is a failure', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rnnkit-bench-cli-'));
    const r = await run(['--backend', 'tfjs-webgl', '-w', 'matmul', '--out', out]);
    rmSync(out, { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('tfjs-webgl needs a WebGL context');
  }, 150_000);
});
