import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { add, matmul, setBackend, tensor } from '@rnnkit/core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cudaFallbackNotice, cudaStatus, type OnnxBackend } from './index.js';

/** Whether onnxruntime-node's CUDA provider library is installed next to its binding. */
function cudaProviderInstalled(): boolean {
  const main = createRequire(import.meta.url).resolve('onnxruntime-node');
  const bin = join(dirname(main), '..', 'bin', 'napi-v6', process.platform, process.arch);
  return existsSync(join(bin, 'libonnxruntime_providers_cuda.so'));
}

describe("backend 'onnx-cuda'", () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  afterAll(() => warn.mockRestore());

  it('falls back to the CPU with one notice when the CUDA provider is missing, and computes', async () => {
    const be = (await setBackend('onnx-cuda')) as OnnxBackend;
    expect(be.name).toBe('onnx-cuda');
    const probe = cudaStatus();
    expect(probe).toBeDefined();
    if (!cudaProviderInstalled()) {
      // the case on machines installed with pnpm's default (onnxruntime-node's install script off)
      expect(be.config.providers).toEqual(['cpu']);
      expect(probe?.notice).not.toBeNull();
    }
    if (probe?.notice) {
      expect(warn).toHaveBeenCalledTimes(1);
      const line = String(warn.mock.calls[0][0]);
      expect(line).toBe(probe.notice);
      expect(line).not.toContain('\n');
      expect(line).toContain('CUDA execution provider is unavailable');
      expect(line).toContain('runs on CPU');
      expect(line).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12');
      expect(line).toContain('allowBuilds: onnxruntime-node: true');
      expect(line).toBe(cudaFallbackNotice(line.slice(line.indexOf('(') + 1, line.indexOf(')'))));
    } else {
      expect(be.config.providers).toEqual(['cuda', 'cpu']);
      expect(warn).not.toHaveBeenCalled();
    }

    const a = tensor([1, 2, 3, 4], [2, 2], 'float32', be);
    const b = tensor([0.5, -1, 2, 0], [2, 2], 'float32', be);
    expect(Array.from(await add(matmul(a, b), a).data())).toEqual([5.5, 1, 12.5, 1]);
  });

  it('prints the notice only once per process', async () => {
    const { createOnnxBackend } = await import('./index.js');
    const calls = warn.mock.calls.length;
    const again = createOnnxBackend('onnx-cuda');
    expect(again.config.providers).toEqual(cudaStatus()?.providers);
    expect(warn.mock.calls.length).toBe(calls);
  });
});
