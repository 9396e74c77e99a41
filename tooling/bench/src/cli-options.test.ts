import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The bench's command-line tools as a user runs them: built, in a child process.
const DIST = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
const run = (file: string, ...args: string[]) =>
  spawnSync(process.execPath, [DIST(file), ...args], { encoding: 'utf8', timeout: 55_000 });

describe('bench command lines', () => {
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
      // each script loads its imports first (the browser bench's took over 5 s on a busy machine)
    }, 120_000);
  }
});
