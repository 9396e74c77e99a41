import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface PlotSeries {
  /** Time of each training value and its value. */
  trainT: Float32Array;
  trainY: Float32Array;
  /** The held-out (validation) part of the series. */
  validT: Float32Array;
  validY: Float32Array;
  /** Time of each forecast step, the true continuation and the forecast. */
  futureT: Float32Array;
  futureTrue: Float32Array;
  forecast: Float32Array;
  title: string;
}

function rows(t: Float32Array, y: Float32Array, series: string, every = 1) {
  const out: { t: number; y: number; series: string }[] = [];
  for (let i = 0; i < t.length; i += every) out.push({ t: t[i], y: y[i], series });
  return out;
}

/** A Vega-Lite spec: true curve, training range shaded, validation, true continuation and forecast. */
export function forecastSpec(s: PlotSeries): TopLevelSpec {
  const thin = Math.max(1, Math.floor((s.trainT.length + s.validT.length) / 1500));
  const values = [
    ...rows(s.trainT, s.trainY, 'training data', thin),
    ...rows(s.validT, s.validY, 'validation data', thin),
    ...rows(s.futureT, s.futureTrue, 'true continuation'),
    ...rows(s.futureT, s.forecast, 'forecast'),
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 900,
    height: 320,
    title: s.title,
    background: 'white',
    layer: [
      {
        data: { values: [{ start: s.trainT[0], end: s.trainT[s.trainT.length - 1] }] },
        mark: { type: 'rect', opacity: 0.08, color: '#1f77b4' },
        encoding: { x: { field: 'start', type: 'quantitative' }, x2: { field: 'end' } },
      },
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 1.6 },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 't' },
          y: { field: 'y', type: 'quantitative', title: 'y' },
          color: {
            field: 'series',
            type: 'nominal',
            scale: {
              domain: ['training data', 'validation data', 'true continuation', 'forecast'],
              range: ['#1f77b4', '#7f7f7f', '#2ca02c', '#d62728'],
            },
            legend: { orient: 'top', title: null },
          },
          strokeDash: {
            field: 'series',
            type: 'nominal',
            scale: {
              domain: ['true continuation', 'forecast'],
              range: [
                [4, 3],
                [1, 0],
              ],
            },
            legend: null,
          },
        },
      },
    ],
  };
}

/** Renders a Vega-Lite spec to SVG text with Vega's headless renderer. */
export async function toSvg(spec: TopLevelSpec): Promise<string> {
  // Only errors: the shared color/strokeDash legend makes Vega-Lite warn about a merge it does right.
  const logger = vega.logger(vega.Error);
  const view = new vega.View(vega.parse(compile(spec, { logger }).spec), {
    renderer: 'none',
    logger,
  });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** SVG → PNG with resvg, using the bundled DejaVu Sans so text renders on machines without fonts. */
export function svgToPng(svg: string): Uint8Array {
  const require = createRequire(import.meta.url);
  const font = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
  const r = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: 1.5 },
    font: { fontFiles: [font], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
  });
  return r.render().asPng();
}

/** Writes the plot as .svg or .png (by extension). */
export async function writePlot(path: string, s: PlotSeries): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') {
    throw new Error(`--plot must end in .png or .svg, got '${path}'`);
  }
  const svg = await toSvg(forecastSpec(s));
  writeFileSync(path, ext === '.svg' ? svg : svgToPng(svg));
}
