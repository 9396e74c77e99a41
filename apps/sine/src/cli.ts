#!/usr/bin/env node
import { CELL_NAMES, type CellName } from '@rnnkit/cells';
import { checkChartPath } from '@rnnkit/plot';
import { interactive } from '@rnnkit/train';
import { Command, InvalidArgumentError, Option } from 'commander';
import { asciiForecast } from './ascii.js';
import { BACKEND_HELP, startBackend } from './backends.js';
import { writePlot } from './plot.js';
import { DEFAULTS, runSine } from './run.js';
import { checkSeries, forecastSpan } from './series-checks.js';

// Under the root scripts (`pnpm sine`, `pnpm demo`) pnpm runs this in the repository root and
// keeps the user's folder in INIT_CWD: a relative --plot is the user's.
const env = process.env;
if (
  env.npm_package_name === 'rnnkit-monorepo' &&
  (env.npm_lifecycle_event === 'sine' || env.npm_lifecycle_event === 'demo') &&
  env.INIT_CWD
)
  process.chdir(env.INIT_CWD);

function int(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

function num(name: string, check: (n: number) => boolean = () => true, what = 'a number') {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || !check(n))
      throw new InvalidArgumentError(`${name} must be ${what}`);
    return n;
  };
}

const program = new Command()
  .name('rnnkit-sine')
  .description('Train a recurrent network on a sine wave, then forecast past its end and plot it.')
  .addOption(
    new Option('--cell <cell>', 'recurrent cell')
      .choices(CELL_NAMES as string[])
      .default(DEFAULTS.cell),
  )
  .option('--backend <name>', BACKEND_HELP, 'auto')
  .option('--hidden <n>', 'hidden units', int('--hidden'), DEFAULTS.hidden)
  .option('--layers <n>', 'stacked layers', int('--layers'), DEFAULTS.layers)
  .option(
    '--window <n>',
    'input window length (past values per prediction)',
    int('--window'),
    DEFAULTS.window,
  )
  .option('--epochs <n>', 'training epochs', int('--epochs'), DEFAULTS.epochs)
  .option('--batch <n>', 'batch size', int('--batch'), DEFAULTS.batch)
  .option(
    '--lr <rate>',
    'Adam learning rate',
    num('--lr', (n) => n > 0, 'a positive number'),
    DEFAULTS.lr,
  )
  .option(
    '--seed <n>',
    'random seed',
    num('--seed', (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer'),
    DEFAULTS.seed,
  )
  .option('--points <n>', 'samples of sin(t) over [0, t-end]', int('--points'), DEFAULTS.points)
  .option(
    '--t-end <t>',
    'last time value',
    num('--t-end', (n) => n > 0, 'a positive number'),
    DEFAULTS.tEnd,
  )
  .option(
    '--noise <std>',
    'Gaussian noise added to the training series',
    num('--noise', (n) => n >= 0, 'a number ≥ 0 (a standard deviation)'),
    DEFAULTS.noise,
  )
  .option(
    '--forecast-steps <n>',
    'steps to forecast past the end (default: one period)',
    int('--forecast-steps'),
  )
  .option(
    '--steps-per-call <n>',
    'training steps per backend call: on onnx, up to n batches run as one graph call (default: as many as fit 0.4 seconds, up to 64)',
    int('--steps-per-call'),
  )
  .option('--plot <file>', 'write the forecast plot (.png or .svg)', 'sine-forecast.png')
  .option('--no-plot', 'do not write a plot file')
  .option('--no-chart', 'do not draw the terminal chart')
  .addOption(new Option('--progress <mode>', 'progress display').choices(['bar', 'lines', 'none']))
  .showHelpAfterError('(--help lists the options)')
  .action(async (o) => {
    // Everything the user named is checked before training, outputs included.
    checkSeries({
      ...DEFAULTS,
      points: o.points,
      tEnd: o.tEnd,
      window: o.window,
      forecastSteps: o.forecastSteps,
    });
    if (o.plot) checkChartPath(o.plot, '--plot');
    const backend = await startBackend(o.backend);
    console.log(backend.line);
    console.log(
      `training ${o.cell} (hidden ${o.hidden}, ${o.layers} layer${o.layers > 1 ? 's' : ''}) on sin(t), t in [0, ${o.tEnd}], ${o.points} points, window ${o.window}, backend ${backend.name}`,
    );
    const r = await runSine({
      ...DEFAULTS,
      cell: o.cell as CellName,
      hidden: o.hidden,
      layers: o.layers,
      window: o.window,
      epochs: o.epochs,
      batch: o.batch,
      lr: o.lr,
      seed: o.seed,
      points: o.points,
      tEnd: o.tEnd,
      noise: o.noise,
      forecastSteps: o.forecastSteps,
      stepsPerCall: o.stepsPerCall,
      progress: o.progress ?? (interactive() ? 'bar' : 'lines'),
    });
    const s = r.series;
    if (o.chart) {
      console.log(`\n${asciiForecast(s.y, r.future.truth, r.future.forecast)}\n`);
    }
    console.log(`final train MSE       ${r.trainMse.toExponential(3)}`);
    console.log(`final validation MSE  ${r.validationMse.toExponential(3)}`);
    console.log(
      `forecast MSE          ${r.forecastMse.toExponential(3)} over ${r.future.forecast.length} steps past t=${o.tEnd} (autoregressive, against the true sin)`,
    );
    console.log(
      `time                  ${r.fit.seconds.toFixed(1)} s (${r.secondsPerEpoch.toFixed(3)} s/epoch, backend ${r.backend})`,
    );
    if (o.plot) {
      await writePlot(o.plot, {
        trainT: s.t.subarray(0, s.splitIndex),
        trainY: s.y.subarray(0, s.splitIndex),
        validT: s.t.subarray(s.splitIndex),
        validY: s.y.subarray(s.splitIndex),
        futureT: r.future.t,
        futureTrue: r.future.truth,
        forecast: r.future.forecast,
        title: `rnnkit ${o.cell} forecast of sin(t): MSE ${r.forecastMse.toExponential(2)} over ${forecastSpan(r.future.forecast.length, o.tEnd / (o.points - 1))}`,
      });
      console.log(`plot written to ${o.plot}`);
    }
  });

program.parseAsync().catch((e: Error) => {
  console.error(`rnnkit-sine: ${e.message}`);
  process.exit(1);
});
