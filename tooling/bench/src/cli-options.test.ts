import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The bench's command-line tools as a user runs them: built, in a child process. Each loads its
// imports first (the browser bench's took over 5 s on a busy machine), hence the long limits.
const DIST = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
const run = (file: string, ...args: string[]) =>
  spawnSync(process.execPath, [DIST(file), ...args], { encoding: 'utf8', timeout: 110_000 });

describe('rnnkit-bench options', () => {
  it('--help lists the workloads and backends', () => {
    const r = run('cli.js', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('char-lstm');
    expect(r.stdout).toContain('backends available:');
  }, 120_000);

  it('a mistyped option gets one line and the way to the list, not a stack trace', () => {
    const r = run('cli.js', '--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Unknown option '--bogus'");
    expect(r.stderr).toContain('rnnkit-bench --help');
    expect(r.stderr).not.toContain('    at ');
  }, 120_000);

  it('a backend named on the command line that cannot start here is a failure', () => {
    const out = mkdtempSync(join(tmpdir(), 'rnnkit-bench-cli-'));
    const r = run('cli.js', '--backend', 'tfjs-webgl', '-w', 'matmul', '--out', out);
    rmSync(out, { recursive: true, force: true });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('tfjs-webgl needs a WebGL context');
  }, 150_000);

  it('says how far apart the cores are, at the start and at the end, and records both', () => {
    const out = mkdtempSync(join(tmpdir(), 'rnnkit-bench-cli-'));
    const r = run('cli.js', '--backend', 'js', '-w', 'matmul', '--quick', '--out', out);
    const [file] = readdirSync(out);
    const json = JSON.parse(readFileSync(join(out, file), 'utf8'));
    rmSync(out, { recursive: true, force: true });
    expect(r.status).toBe(0);
    if (cpus().length < 2) {
      expect(json.machine.coreRoundTripNs).toBeUndefined();
      return;
    }
    expect(r.stdout).toMatch(/\d+ cores \(\d+ ns apart\)/);
    expect(r.stdout).toMatch(/; cores \d+ ns apart at the start, \d+ ns at the end; wrote /);
    expect(json.machine.coreRoundTripNs).toHaveLength(2);
    for (const ns of json.machine.coreRoundTripNs) expect(ns).toBeGreaterThan(0);
  }, 150_000);
});

describe('the other bench command lines', () => {
  for (const [file, command] of [
    ['sweep.js', 'sweep'],
    ['memory-series.js', 'memory-series'],
    ['browser/cli.js', 'rnnkit-bench-browser'],
  ] as const) {
    it(`${command}: --help lists the options, a mistyped one gets one line`, () => {
      const help = run(file, '--help');
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('--backend NAME');
      const typo = run(file, '--bugdet', '3');
      expect(typo.status).toBe(2);
      const lines = typo.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^${command}: Unknown option '--bugdet'`));
      expect(lines[0]).toMatch(new RegExp(`; ${command} --help lists the options$`));
    }, 240_000);
  }
});
