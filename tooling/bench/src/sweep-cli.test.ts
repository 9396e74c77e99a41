import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// The sweep's command line as a user runs it (the built script): a one-point run on the JS
// backend, then --report on the JSON it wrote, as the lead reruns a finished sweep's tables.

const SWEEP = fileURLToPath(new URL('../dist/sweep.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'rnnkit-sweep-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const run = async (args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [SWEEP, ...args], {
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
};

/** The lines from the first table on, up to the growth rule's findings. */
const tables = (text: string) =>
  text.slice(text.indexOf('| point'), text.indexOf('growth rule')).trim();

describe('sweep --report', () => {
  it("prints a finished run's tables again, with its settings and load average", async () => {
    const args = ['--backend', 'js', '--no-pytorch', '--hidden', '8', '--seq', '4', '--batch', '1'];
    const r = await run([...args, '--budget', '0.2', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const [file] = readdirSync(out);
    expect(file).toMatch(/^sweep-.*\.json$/);
    const again = await run(['--report', join(out, file)]);
    expect(again.code, again.stderr).toBe(0);
    expect(tables(again.stdout)).toBe(tables(r.stdout));
    expect(tables(again.stdout)).toContain('| h8 s4 b1 |');
    expect(again.stdout).toMatch(
      /budget 0\.2 s, warm-up 2, at least 2 timed step\(s\), steps per call sized by the Trainer, .*1-minute load average \d+\.\d\d–\d+\.\d\d/,
    );
  }, 180_000);

  it('names a file that is not a sweep result, and what to give instead', async () => {
    const bad = join(out, 'not-a-sweep.json');
    writeFileSync(bad, '{"workload": "char-lstm"}');
    const r = await run(['--report', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('it has no points and runners');
    expect(r.stderr).toContain('give a sweep-*.json file that sweep.js wrote');
  });
});
