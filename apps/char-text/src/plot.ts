import { type TopLevelSpec, writeChart } from '@rnnkit/plot';
import { readTrainLog, readValidationLog, type TrainRow, type ValidationRow } from './history.js';

/** Training loss averaged over windows of `every` steps, so the curve is readable. */
function smoothed(rows: TrainRow[], every: number) {
  const out: { minutes: number; loss: number; series: string }[] = [];
  for (let i = 0; i < rows.length; i += every) {
    const part = rows.slice(i, i + every);
    const loss = part.reduce((s, r) => s + r.loss, 0) / part.length;
    out.push({
      minutes: part[part.length - 1].seconds / 60,
      loss,
      series: 'training (mean of steps)',
    });
  }
  return out;
}

/** Vega-Lite spec: validation loss (nats/char) against training time, with the training loss. */
export function curveSpec(train: TrainRow[], valid: ValidationRow[], title: string): TopLevelSpec {
  const values = [
    ...smoothed(train, Math.max(1, Math.round(train.length / 60))),
    ...valid.map((v) => ({
      minutes: v.seconds / 60,
      loss: v.loss,
      series: v.kind === 'final' ? 'validation (whole split, end)' : 'validation',
    })),
  ];
  const domain = ['training (mean of steps)', 'validation', 'validation (whole split, end)'];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 720,
    height: 320,
    title,
    background: 'white',
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 1.6 },
    encoding: {
      x: { field: 'minutes', type: 'quantitative', title: 'training time (minutes)' },
      y: {
        field: 'loss',
        type: 'quantitative',
        title: 'loss (nats per character)',
        scale: { zero: false },
      },
      color: {
        field: 'series',
        type: 'nominal',
        scale: { domain, range: ['#9ecae1', '#d62728', '#2ca02c'] },
        legend: { orient: 'top', title: null, labelLimit: 400 },
      },
    },
  };
}

/** Writes the curve of a run folder's logs as .png or .svg (by extension). */
export async function writeCurvePlot(dir: string, path: string, title: string): Promise<void> {
  await writeChart(path, curveSpec(readTrainLog(dir), readValidationLog(dir), title));
}
