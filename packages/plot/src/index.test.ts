import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type TopLevelSpec, writeChart } from './index.js';

const spec: TopLevelSpec = {
  width: 200,
  height: 100,
  title: 'a line',
  data: { values: [0, 1, 2, 3].map((t) => ({ t, y: t * t })) },
  mark: 'line',
  encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
};

describe('writeChart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-plot-'));

  it('writes SVG with the title as text', async () => {
    await writeChart(join(dir, 'a.svg'), spec);
    const svg = readFileSync(join(dir, 'a.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('a line');
  });

  it('writes a PNG of the zoomed size (1.5×)', async () => {
    await writeChart(join(dir, 'a.png'), spec);
    const png = readFileSync(join(dir, 'a.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThan(300); // width ≥ 1.5 × 200 plus axes
  });

  it('refuses other extensions, naming the option', async () => {
    await expect(writeChart(join(dir, 'a.jpg'), spec, '--plot')).rejects.toThrow(
      "--plot must end in .png or .svg, got '",
    );
  });
});
