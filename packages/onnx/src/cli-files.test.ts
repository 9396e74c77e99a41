import '@rnnkit/backend-js';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CharLM } from '@rnnkit/cells';
import { Rng } from '@rnnkit/core';
import { modelTensors, saveCheckpoint } from '@rnnkit/train';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-main.js';
import { fixturePath } from './test-utils/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-onnx-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const err: string[] = [];
  const code = await runCli(args, { out: () => {}, err: (s) => err.push(s) });
  return { code, err: err.join('\n') };
}

describe('rnnkit-onnx: file errors say what was being done (item 12)', () => {
  it('a missing model file', async () => {
    const missing = join(dir, 'missing.onnx');
    for (const cmd of ['inspect', 'run']) {
      const r = await cli(cmd, missing);
      expect(r.code).toBe(1);
      expect(r.err).toBe(`rnnkit-onnx ${cmd}: cannot read ${missing}: no such file`);
    }
  });

  it('an -o in a missing folder', async () => {
    const model = { vocabSize: 5, embeddingDim: 4, hiddenSize: 6, numLayers: 1, cell: 'lstm' };
    const lm = new CharLM({ ...model, cell: 'lstm', rng: new Rng(1) });
    const ckpt = join(dir, 'lm.safetensors');
    saveCheckpoint(ckpt, {
      model: await modelTensors(lm),
      progress: { step: 1, epoch: 0, batchInEpoch: 1 },
      config: { app: 'rnnkit-char-text', model, vocabulary: { chars: 'abcde' } },
    });
    const out = join(dir, 'no', 'such', 'm.onnx');
    const r = await cli('export', ckpt, '-o', out);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `rnnkit-onnx export: cannot write -o ${out}: the folder ${join(dir, 'no', 'such')} does not exist`,
    );
  });
});

describe('pnpm rnnkit-onnx (item 11)', () => {
  it('under the root script, relative file names are the user’s folder’s', async () => {
    const bin = resolve(import.meta.dirname, '../dist/cli.js');
    const user = dirname(fixturePath('torch_lstm_2l.onnx'));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, 'inspect', 'torch_lstm_2l.onnx', '--json'],
      {
        cwd: dir,
        env: {
          ...process.env,
          npm_package_name: 'rnnkit-monorepo',
          npm_lifecycle_event: 'rnnkit-onnx',
          INIT_CWD: user,
        },
      },
    );
    expect(JSON.parse(stdout).recurrent).toHaveLength(2);
  });
});
