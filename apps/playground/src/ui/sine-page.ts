import { CELL_NAMES } from '@rnnkit/cells';
import type { FromWorker } from '../protocol.js';
import { SINE_DEFAULTS, type SineSettings } from '../training/sine-run.js';
import { LineChart } from './chart.js';
import { byId, fillBackends, numberField } from './dom.js';
import { Status } from './status.js';
import { WorkerClient } from './worker-client.js';

// The sine page: a cell learns sin(t); the forecast of the next period, made from its own
// predictions, is drawn against the true curve as it trains.

export function mountSinePage(): void {
  const status = new Status('sine', byId('sine-status'));
  const losses = new LineChart(byId('sine-loss-chart'), 'training loss (MSE)', 'step', [
    { label: 'training loss', stroke: '#1f77b4' },
  ]);
  const forecast = new LineChart(byId('sine-forecast-chart'), 'forecast of the next period', 't', [
    { label: 'sin(t)', stroke: '#7f7f7f', dash: [6, 4] },
    { label: 'forecast', stroke: '#2ca02c' },
  ]);
  const cell = byId<HTMLSelectElement>('sine-cell');
  for (const name of CELL_NAMES)
    cell.add(new Option(name, name, name === SINE_DEFAULTS.cell, name === SINE_DEFAULTS.cell));
  const backend = byId<HTMLSelectElement>('sine-backend');
  fillBackends(backend);
  const worker = new WorkerClient((m: FromWorker) => {
    status.on(m);
    if (m.type === 'step') losses.add(m.step, m.loss);
    else if (m.type === 'forecast') {
      const f = m.forecast;
      forecast.replace(f.t, f.truth, f.forecast);
      status.page.forecastMse =
        f.forecast.reduce((a, v, i) => a + (v - f.truth[i]) ** 2, 0) / f.forecast.length;
      byId('sine-forecast-step').textContent = `forecast after step ${f.step}`;
    } else if (m.type === 'trained') status.set('done');
  });
  byId('sine-train').addEventListener('click', () => {
    try {
      const settings: SineSettings = {
        ...SINE_DEFAULTS,
        cell: cell.value as SineSettings['cell'],
        hidden: numberField('sine-hidden'),
        steps: numberField('sine-steps'),
        lr: numberField('sine-lr'),
      };
      worker.fresh();
      losses.clear();
      status.reset();
      worker.post({ type: 'train-sine', backend: backend.value, settings });
    } catch (e) {
      status.error((e as Error).message);
    }
  });
  byId('sine-stop').addEventListener('click', () => worker.post({ type: 'stop' }));
}
