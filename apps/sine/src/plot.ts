import { type TopLevelSpec, writeChart } from '@rnnkit/plot';

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

/** Writes the plot as .svg or .png (by extension). */
export async function writePlot(path: string, s: PlotSeries): Promise<void> {
  await writeChart(path, forecastSpec(s), '--plot');
}
