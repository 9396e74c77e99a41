import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sine } from './test-utils/run-cli.js';

function metric(stdout: string, label: string): number {
  const m = stdout.match(new RegExp(`${label}\\s+([0-9.e+-]+)`));
  if (!m) throw new Error(`no "${label}" line in:\n${stdout}`);
  return Number(m[1]);
}

describe('rnnkit-sine CLI (the README demo)', () => {
  it('default run trains, forecasts one period within 0.05 MSE and writes a PNG plot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-sine-'));
    const png = join(dir, 'forecast.png');
    const r = await sine(['--plot', png]);
    expect(r.code, r.stderr).toBe(0);
    expect(metric(r.stdout, 'final train MSE')).toBeLessThanOrEqual(1e-4);
    expect(metric(r.stdout, 'forecast MSE')).toBeLessThan(0.05);
    expect(r.stdout).toContain('forecast →'); // the terminal chart
    expect(r.stdout).toMatch(/validation at step \d+/); // progress lines when not a TTY
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    // IHDR: width and height are big-endian uint32 at offsets 16 and 20.
    expect(bytes.readUInt32BE(16)).toBeGreaterThan(500);
    expect(bytes.readUInt32BE(20)).toBeGreaterThan(200);
  }, 240_000);

  it('writes an SVG when the plot file ends in .svg, for every cell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-sine-'));
    for (const cell of ['lstm', 'lstm-peephole', 'gru', 'mingru', 'minlstm']) {
      const svg = join(dir, `${cell}.svg`);
      const r = await sine([
        '--cell',
        cell,
        '--epochs',
        '1',
        '--hidden',
        '8',
        '--points',
        '400',
        '--no-chart',
        '--plot',
        svg,
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`training ${cell}`);
      const text = readFileSync(svg, 'utf8');
      expect(text).toContain('<svg');
      expect(text).toContain('forecast');
    }
  }, 240_000);

  it('rejects an unknown cell and lists the choices', async () => {
    const r = await sine(['--cell', 'transformer']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/transformer/);
    expect(r.stderr).toMatch(/lstm-peephole/);
  });

  it('rejects an unknown backend and lists the names it knows', async () => {
    // (a known backend whose package is missing is named with its package: core's registry tests)
    const r = await sine(['--backend', 'nope', '--no-plot']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("unknown backend 'nope'");
    expect(r.stderr).toContain('onnx');
  });

  it('trains on the TensorFlow.js backends with the same model code', async () => {
    for (const backend of ['tfjs-wasm', 'tfjs-cpu']) {
      const r = await sine([
        '--backend',
        backend,
        '--epochs',
        '1',
        '--hidden',
        '8',
        '--points',
        '300',
        '--window',
        '20',
        '--no-plot',
        '--no-chart',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`backend ${backend}`);
      expect(metric(r.stdout, 'final train MSE')).toBeLessThan(1);
    }
  }, 240_000);

  it("trains on ONNX Runtime (compiled steps) to the JS backend's loss", async () => {
    const args = ['--epochs', '3', '--no-plot', '--no-chart'];
    const [onnx, js, fused] = await Promise.all([
      sine(['--backend', 'onnx', '--steps-per-call', '1', ...args]),
      sine(['--backend', 'js', ...args]),
      sine(['--backend', 'onnx', ...args]),
    ]);
    expect(onnx.code, onnx.stderr).toBe(0);
    expect(onnx.stdout).toContain('backend onnx');
    // the same float32 model: the losses agree to a few digits after 3 epochs
    const a = metric(onnx.stdout, 'final train MSE');
    const b = metric(js.stdout, 'final train MSE');
    expect(Math.abs(a - b) / b).toBeLessThan(0.05);
    // steps per graph call as the Trainer sizes them train the same model as one
    expect(fused.code, fused.stderr).toBe(0);
    expect(metric(fused.stdout, 'final train MSE')).toBe(a);
    expect(metric(fused.stdout, 'forecast MSE')).toBe(metric(onnx.stdout, 'forecast MSE'));
  }, 240_000);

  it('rejects a non-numeric option with a clear message', async () => {
    const r = await sine(['--epochs', 'many']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--epochs must be a positive integer');
  });
});
