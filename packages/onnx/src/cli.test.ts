import '@rnnkit/backend-js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CharLM, LSTM } from '@rnnkit/cells';
import { Rng } from '@rnnkit/core';
import { modelTensors, saveCheckpoint } from '@rnnkit/train';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-main.js';
import { importOnnx } from './import.js';
import { inspectOnnx } from './inspect.js';
import { fixturePath } from './test-utils/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-onnx-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('rnnkit-onnx CLI', () => {
  it('inspect lists inputs, outputs, operators and recurrent layers', async () => {
    const r = await cli('inspect', fixturePath('torch_gru_2l_bi.onnx'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('made by pytorch');
    expect(r.out).toMatch(/x {2}float32 \[batch, sequence, 4\]/);
    expect(r.out).toMatch(
      /#1 GRU '\/rnn\/GRU_1': input 12 → hidden 6, bidirectional, bias, linear_before_reset=1/,
    );
    expect(r.out).toContain('importOnnx: supported');
    const j = JSON.parse((await cli('inspect', fixturePath('torch_lstm_2l.onnx'), '--json')).out);
    expect(j.recurrent).toHaveLength(2);
  });

  it('run: rnnkit and ONNX Runtime agree on random inputs', async () => {
    const r = await cli(
      'run',
      fixturePath('torch_charlm_gru.onnx'),
      '--engine',
      'both',
      '--batch',
      '2',
      '--seq',
      '6',
      '--max-token',
      '11',
      '--json',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.outputs.rnnkit.logits.shape).toEqual([2, 6, 11]);
    expect(j.maxAbsDiff).toBeLessThan(1e-5);
  });

  it('run: inputs from a JSON file', async () => {
    const feeds = join(dir, 'feeds.json');
    writeFileSync(
      feeds,
      JSON.stringify({
        x: { shape: [1, 2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8] },
        h0: { shape: [1, 1, 6], data: [0, 0, 0, 0, 0, 0] },
      }),
    );
    const r = await cli('run', fixturePath('torch_rnn_tanh.onnx'), '--inputs', feeds);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/y \[1, 2, 6\]/);
  });

  it('export: a char-text checkpoint becomes a CharLM with its vocabulary in the metadata', async () => {
    const model = {
      cell: 'gru',
      hiddenSize: 8,
      numLayers: 2,
      embeddingDim: 4,
      dropout: 0,
      vocabSize: 5,
    };
    const lm = new CharLM({ ...model, cell: 'gru', rng: new Rng(3) });
    const ckpt = join(dir, 'last.safetensors');
    saveCheckpoint(ckpt, {
      model: await modelTensors(lm),
      progress: { step: 12, epoch: 0, batchInEpoch: 12 },
      config: { app: 'rnnkit-char-text', model, vocabulary: { chars: 'abcde' } },
    });
    const out = join(dir, 'lm.onnx');
    const r = await cli('export', ckpt, '-o', out);
    expect(r.code).toBe(0);
    expect(r.out).toContain('CharLM from');
    const bytes = new Uint8Array(readFileSync(out));
    const info = inspectOnnx(bytes);
    expect(info.rnnkitModel?.type).toBe('CharLM');
    expect(JSON.parse(info.metadata['rnnkit.vocabulary'])).toEqual({ chars: 'abcde' });
    const m = importOnnx(bytes);
    const feeds = {
      tokens: { data: [1, 2, 3], shape: [1, 3] },
      h0: { data: new Float32Array(16), shape: [2, 1, 8] },
    };
    const want = lm
      .eval()
      .forward(
        (await import('@rnnkit/core')).tensor(Int32Array.from([1, 2, 3]), [1, 3], 'int32'),
      ).logits;
    // Same numbers up to float32 rounding: CharLM projects its embedding table, the graph gathers first.
    const got = (await m.run(feeds)).logits.dataSync();
    const ref = want.dataSync();
    expect(got.length).toBe(ref.length);
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThan(1e-5);
  });

  it('export: --model describes other checkpoints; foreign configs get a clear error', async () => {
    const lstm = new LSTM({ inputSize: 2, hiddenSize: 3, peephole: true, rng: new Rng(1) });
    const ckpt = join(dir, 'lstm.safetensors');
    saveCheckpoint(ckpt, {
      model: await modelTensors(lstm),
      progress: { step: 1, epoch: 0, batchInEpoch: 1 },
      config: { app: 'other' },
    });
    const bad = await cli('export', ckpt, '-o', join(dir, 'x.onnx'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(
      /cannot tell which model it holds from its config \(app 'other'\); describe it with --model/,
    );
    const desc = JSON.stringify({
      type: 'LSTM',
      options: { inputSize: 2, hiddenSize: 3, peephole: true },
    });
    const ok = await cli(
      'export',
      ckpt,
      '-o',
      join(dir, 'lstm.onnx'),
      '--model',
      desc,
      '--no-state',
      '--seq',
      '4',
    );
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/input {2}float32 \[batch, 4, 2\]/);
  });

  it('usage errors exit 2', async () => {
    expect((await cli()).code).toBe(2);
    expect((await cli('frobnicate', 'x')).err).toMatch(/unknown command 'frobnicate'/);
    expect((await cli('inspect')).err).toMatch(/inspect: name a file/);
    expect((await cli('--help')).code).toBe(0);
  });
});
