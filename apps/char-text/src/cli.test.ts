import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadCheckpoint } from '@rnnkit/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ct, ok, shakespeare, TINY } from './test-utils/run-cli.js';
import { losses } from './test-utils/run-logs.js';
import { workDir } from './test-utils/work-dir.js';

const { work, small, dir } = workDir('rnnkit-char-text-');
// Each test runs the CLI as child processes, a few seconds each alone. The limit only catches a
// hang: under `pnpm test` every suite (the browser ones included) shares two cores, and runs took
// ten times longer than alone there.
const CLI_TEST_MS = 180_000;

function validations(dir: string): string[] {
  return readFileSync(join(dir, 'validation-log.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [step, , , loss, , chars, kind] = l.split(',');
      return `${step},${loss},${chars},${kind}`;
    });
}

/** Validations during training (not the final scoring each session ends with). */
function inTraining(dir: string): string[] {
  return validations(dir).filter((v) => !v.endsWith(',final'));
}

describe('rnnkit-char-text train → checkpoint → resume', () => {
  it(
    'resumes exactly: the same losses as one uninterrupted run',
    async () => {
      const whole = await ok([
        'train',
        '--text',
        small,
        ...TINY,
        '--steps',
        '14',
        '--out',
        dir('whole'),
      ]);
      expect(whole).toContain('corpus small.txt: 5,000 characters, 53 distinct');
      expect(whole).toMatch(/validation at step 5: loss \d\.\d+ nats \(\d\.\d+ bits\/char\)/);
      expect(whole).toMatch(/^step 14\/14 {2}epoch 1 {2}loss \d\.\d{4}/m);
      expect(whole).toContain('stopped at the step limit at step 14');
      expect(existsSync(join(dir('whole'), 'best.safetensors'))).toBe(true);

      await ok(['train', '--text', small, ...TINY, '--steps', '7', '--out', dir('split')]);
      expect(losses(dir('split'))).toHaveLength(7);
      const resumed = await ok([
        'resume',
        dir('split'),
        '--steps',
        '14',
        '--progress',
        'lines',
        '--no-plot',
      ]);
      expect(resumed).toContain(`resuming ${dir('split')} at step 7`);
      expect(losses(dir('split'))).toEqual(losses(dir('whole')));
      expect(losses(dir('whole'))).toHaveLength(14);
      expect(inTraining(dir('split'))).toEqual(inTraining(dir('whole')));
      expect(inTraining(dir('whole')).map((v) => v.split(',')[0])).toEqual(['5', '10']);
      expect(validations(dir('split')).at(-1)).toEqual(validations(dir('whole')).at(-1));
      expect(validations(dir('whole')).at(-1)).toMatch(/^14,\d\.\d+,448,final$/);
      expect(loadCheckpoint(join(dir('split'), 'last.safetensors')).progress.step).toBe(14);
    },
    CLI_TEST_MS,
  );

  it(
    'Ctrl-C saves a resumable checkpoint, and resuming from it matches an uninterrupted run',
    async () => {
      const out = dir('interrupted');
      const child = spawn(
        process.execPath,
        [cli, 'train', '--text', small, ...TINY, '--steps', '100000', '--out', out],
        { env: { ...process.env, CI: 'true' } },
      );
      let stdout = '';
      let sent = false;
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (!sent && /^step 3\b/m.test(stdout)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      const code = await new Promise<number | null>((ok) => child.on('exit', (c) => ok(c)));
      expect(code).toBe(130);
      const m = stdout.match(/interrupted at step (\d+): saved (.*last\.safetensors)/);
      expect(m, stdout).not.toBeNull();
      const at = Number(m![1]);
      // the command as this test started the CLI: node and the path of dist/cli.js
      expect(stdout).toMatch(new RegExp(`continue with: node \\S*dist/cli\\.js resume ${out}`));
      expect(loadCheckpoint(m![2]).progress.step).toBe(at);
      expect(losses(out)).toHaveLength(at);

      await ok(['resume', out, '--steps', String(at + 4), '--no-plot']);
      await ok([
        'train',
        '--text',
        small,
        ...TINY,
        '--steps',
        String(at + 4),
        '--out',
        dir('reference'),
      ]);
      expect(losses(out)).toEqual(losses(dir('reference')));
    },
    CLI_TEST_MS,
  );

  it(
    'refuses to overwrite a run folder without --force; a spent time budget needs a new one',
    async () => {
      await ok(['train', '--text', small, ...TINY, '--minutes', '0.001', '--out', dir('kept')]);
      const again = await ok(['resume', dir('kept')]);
      expect(again).toContain('this run has used its 0.001 minute budget; pass --minutes');
      const r = await ct(['train', '--text', small, ...TINY, '--steps', '2', '--out', dir('kept')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(
          `${dir('kept')} already holds a run; continue it with 'node \\S*dist/cli\\.js resume`,
        ),
      );
    },
    CLI_TEST_MS,
  );
});

describe('rnnkit-char-text --cell takes every registered cell', () => {
  it.each(['mingru', 'minlstm'])(
    '--cell %s trains, resumes from its checkpoint and samples',
    async (cell) => {
      const out = dir(`cell-${cell}`);
      const trained = await ok([
        'train',
        '--text',
        small,
        ...TINY,
        '--cell',
        cell,
        '--steps',
        '6',
        '--out',
        out,
      ]);
      expect(trained).toMatch(new RegExp(`model ${cell}: hidden 16`));
      expect(trained).toMatch(/^step 6\/6 {2}epoch 1 {2}loss \d\.\d{4}/m);
      await ok(['resume', out, '--steps', '8', '--progress', 'none']);
      expect(losses(out)).toHaveLength(8);
      const text = await ok(['sample', out, '--length', '40', '--seed', '2']);
      expect([...text]).toHaveLength(41);
    },
    60_000,
  );
});

describe('rnnkit-char-text sample and eval', () => {
  const trained = dir('trained');
  let trainOutput = '';
  beforeAll(async () => {
    trainOutput = await ok([
      'train',
      '--text',
      small,
      ...TINY,
      '--steps',
      '20',
      '--out',
      trained,
      '--hidden',
      '24',
      '--sample-length',
      '30',
      '--unknown-token',
    ]);
  }, CLI_TEST_MS);

  it(
    'prints samples during training and writes the validation curve as PNG',
    async () => {
      expect(trainOutput).toMatch(/--- sample at step 10 \(temperature 0\.8\) ---\n[^\n]*/);
      const png = join(trained, 'validation-curve.png');
      await ok(['resume', trained, '--steps', '21', '--progress', 'none']);
      const bytes = readFileSync(png);
      expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    },
    CLI_TEST_MS,
  );

  it(
    'streams deterministic text for a seed, continuing a prime',
    async () => {
      const a = await ok(['sample', trained, '--length', '120', '--seed', '5']);
      const b = await ok(['sample', trained, '--length', '120', '--seed', '5']);
      const c = await ok(['sample', trained, '--length', '120', '--seed', '6']);
      expect(a).toBe(b);
      expect(a).not.toBe(c);
      expect([...a]).toHaveLength(121); // 120 characters and a newline
      const primed = await ok([
        'sample',
        trained,
        '--length',
        '50',
        '--prime',
        'First Citizen:',
        '--top-k',
        '3',
      ]);
      expect(primed.startsWith('First Citizen:')).toBe(true);
      const greedy = await ok([
        'sample',
        trained,
        '--length',
        '60',
        '--temperature',
        '0',
        '--seed',
        '1',
      ]);
      expect(
        await ok(['sample', trained, '--length', '60', '--temperature', '0', '--seed', '2']),
      ).toBe(greedy);
      expect(await ok(['sample', trained, '--length', '60', '--top-k', '1', '--seed', '3'])).toBe(
        greedy,
      );
    },
    CLI_TEST_MS,
  );

  it(
    'eval prints the loss in nats and bits per character',
    async () => {
      const held = join(work, 'held-out.txt');
      writeFileSync(held, readFileSync(shakespeare).subarray(100_000, 103_000));
      const out = await ok(['eval', trained, '--text', held]);
      const loss = Number(out.match(/loss (\d\.\d+) nats\/char/)![1]);
      const bits = Number(out.match(/, (\d\.\d+) bits\/char/)![1]);
      expect(loss).toBeGreaterThan(1);
      expect(loss).toBeLessThan(Math.log(54));
      expect(bits).toBeCloseTo(loss / Math.LN2, 3);
      expect(out).toContain('of 3,000 characters scored');
      // the run has an unknown token: characters it never saw are mapped, not refused
      const novel = join(work, 'novel.txt');
      writeFileSync(novel, 'Zounds! Zebras and quixotic zephyrs. '.repeat(20));
      expect(await ok(['eval', trained, '--text', novel])).toContain('nats/char');
    },
    CLI_TEST_MS,
  );
});

describe('clear errors', () => {
  const base = dir('base');
  beforeAll(async () => {
    await ok(['train', '--text', small, ...TINY, '--steps', '3', '--out', base]);
  }, CLI_TEST_MS);

  it(
    'corrupt or truncated checkpoints',
    async () => {
      const truncated = join(work, 'truncated.safetensors');
      copyFileSync(join(base, 'last.safetensors'), truncated);
      truncateSync(truncated, 200);
      let r = await ct(['sample', truncated]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^rnnkit-char-text: checkpoint .*truncated\.safetensors/);
      expect(r.stderr).toMatch(/truncated|too short|ends/i);

      const garbage = join(work, 'garbage.safetensors');
      writeFileSync(garbage, 'this is not a checkpoint at all, just some text');
      r = await ct(['eval', garbage, '--text', small]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`checkpoint ${garbage}`);

      const emptyDir = join(work, 'no-run');
      r = await ct(['resume', emptyDir]);
      expect(r.stderr).toContain(`no run folder or checkpoint at ${emptyDir}`);
    },
    CLI_TEST_MS,
  );

  it(
    'an unknown --prime character',
    async () => {
      const r = await ct(['sample', base, '--prime', 'Zebra\u{1F993}']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'rnnkit-char-text: --prime has 2 characters the vocabulary does not know: \'Z\', "🦓" (U+1F993)',
      );
    },
    CLI_TEST_MS,
  );

  it(
    'unknown characters in an eval text, without an unknown token',
    async () => {
      const novel = join(work, 'novel2.txt');
      writeFileSync(novel, 'Zounds, zebras. '.repeat(10));
      const r = await ct(['eval', base, '--text', novel]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `the text ${novel} has 1 character the vocabulary does not know: 'Z' ×10`,
      );
      expect(r.stderr).toContain('train with --unknown-token');
    },
    CLI_TEST_MS,
  );

  it(
    'empty, one-character and too-short corpora',
    async () => {
      const empty = join(work, 'empty.txt');
      writeFileSync(empty, '');
      let r = await ct(['train', '--text', empty, ...TINY, '--out', dir('e1')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`text file ${empty} is empty`);
      const one = join(work, 'one.txt');
      writeFileSync(one, 'x');
      r = await ct(['train', '--text', one, ...TINY, '--out', dir('e2')]);
      expect(r.stderr).toContain('has only one character ("x")');
      const short = join(work, 'short.txt');
      writeFileSync(short, 'To be, or not to be: that is the question.');
      r = await ct(['train', '--text', short, ...TINY, '--out', dir('e3')]);
      expect(r.stderr).toContain('is too short for one batch of 4 streams × 16 characters');
      r = await ct(['train', '--text', join(work, 'missing.txt'), '--out', dir('e4')]);
      expect(r.stderr).toContain('no such file');
    },
    CLI_TEST_MS,
  );

  it(
    'bad options',
    async () => {
      let r = await ct(['train', '--cell', 'transformer']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/transformer/);
      expect(r.stderr).toMatch(/lstm-peephole/);
      r = await ct(['train', '--hidden', 'many']);
      expect(r.stderr).toContain('--hidden must be a positive integer');
      r = await ct(['train', '--text', small, '--corpus', 'sotu']);
      expect(r.stderr).toContain('give either --text FILE or --corpus NAME, not both');
      // every backend package is installed with the app; an unknown name lists the known ones
      r = await ct(['train', '--text', small, '--backend', 'nope', '--out', dir('e5')]);
      expect(r.stderr).toContain("unknown backend 'nope'");
      expect(r.stderr).toContain('onnx');
    },
    CLI_TEST_MS,
  );
});

describe('on ONNX Runtime', () => {
  it(
    'trains (compiled steps), resumes its checkpoint and samples with --backend onnx',
    async () => {
      const out = dir('onnx');
      const args = ['train', '--text', small, ...TINY, '--backend', 'onnx', '--out', out];
      expect(await ok([...args, '--steps', '3'])).toMatch(/stopped at the step limit at step 3/);
      expect(await ok(['resume', out, '--steps', '5'])).toMatch(/at step 5/);
      const text = await ok(['sample', out, '--length', '150', '--seed', '3', '--backend', 'onnx']);
      expect(text.trim().length).toBeGreaterThan(100);
    },
    CLI_TEST_MS,
  );

  it(
    'trains several steps per graph call with --steps-per-call, and resumes with it',
    async () => {
      const out = dir('onnx-fused');
      const args = ['train', '--text', small, ...TINY, '--backend', 'onnx', '--out', out];
      const first = await ok([...args, '--steps-per-call', '4', '--steps', '9']);
      expect(first).toMatch(/stopped at the step limit at step 9/);
      expect(first).toMatch(/validation at step 5/); // a block ends where validation falls
      expect(await ok(['resume', out, '--steps', '12'])).toMatch(/at step 12/);
    },
    CLI_TEST_MS,
  );
});

describe('built-in corpora', () => {
  it(
    'trains on the embedded State of the Union corpus without a download',
    async () => {
      const out = await ok([
        'train',
        '--corpus',
        'sotu',
        '--years',
        '2020-2021',
        ...TINY,
        '--steps',
        '2',
        '--out',
        dir('sotu'),
      ]);
      expect(out).toMatch(/corpus sotu 2020-2021: [\d,]+ characters/);
    },
    CLI_TEST_MS,
  );

  it(
    'downloads tiny Shakespeare once (from a local server), then works offline',
    async () => {
      const bytes = readFileSync(shakespeare);
      let hits = 0;
      const server = createServer((_req, res) => {
        hits++;
        res.end(bytes);
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/input.txt`;
      const env = { RNNKIT_TINYSHAKESPEARE_URL: url, RNNKIT_CACHE_DIR: join(work, 'cache') };
      const args = [
        'train',
        '--corpus',
        'tinyshakespeare',
        ...TINY,
        '--batch',
        '32',
        '--steps',
        '1',
        '--val-fraction',
        '0.01',
      ];
      try {
        const out = await ok([...args, '--out', dir('ts1')], { env });
        expect(out).toContain('corpus tinyshakespeare: 1,115,394 characters, 65 distinct');
        expect(hits).toBe(1);
      } finally {
        await new Promise<void>((ok) => server.close(() => ok()));
      }
      await ok([...args, '--out', dir('ts2')], { env }); // the server is gone: the cache answers
      const r = await ct([...args, '--out', dir('ts3')], {
        env: { ...env, RNNKIT_CACHE_DIR: join(work, 'nocache') },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`cannot download tiny Shakespeare from ${url}`);
    },
    CLI_TEST_MS,
  );
});
