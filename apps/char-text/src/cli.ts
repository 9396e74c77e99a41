#!/usr/bin/env node
import { resolve } from 'node:path';
import { CELL_NAMES, type CellName } from '@rnnkit/cells';
import { Rng, RnnkitError } from '@rnnkit/core';
import { CharStreamDataset, fromFile, UnknownCharacterError } from '@rnnkit/data';
import { evaluate, interactive } from '@rnnkit/train';
import { Command, InvalidArgumentError, Option } from 'commander';
import { BACKEND_CHOICES, BACKEND_HELP, startBackend } from './backends.js';
import { APP, DEFAULTS, type TrainConfig } from './config.js';
import { CORPORA, corpusRef } from './corpus.js';
import { parseFinalEval } from './final-eval.js';
import { inFlagTerms } from './flag-terms.js';
import { generate, topKNotice } from './generate.js';
import { trainInWorker } from './host.js';
import { launched, shownPath } from './invocation.js';
import { charLoss, loadRun, restoredModel } from './model.js';
import { HostProgress } from './progress.js';
import { checkRunFolder } from './run-folder-check.js';
import type { StopRule, TrainJob, TrainSummary } from './train.js';

// Under `pnpm char-text` the CLI runs in the repository root: relative paths are the user's.
const launch = launched();
if (launch.cwd !== process.cwd()) process.chdir(launch.cwd);

function int(name: string, min = 1) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(
        `${name} must be ${min === 1 ? 'a positive' : 'a non-negative'} integer`,
      );
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

const positive = (name: string) => num(name, (n) => n > 0, 'a positive number');

function progressOf(o: { progress?: 'bar' | 'lines' | 'none'; logEvery: number }): HostProgress {
  return new HostProgress(o.progress ?? (interactive() ? 'bar' : 'lines'), o.logEvery);
}

const fmt = (n: number) => n.toLocaleString('en-US');
const nats = (x: number) => `${x.toFixed(4)} nats/char (${(x / Math.LN2).toFixed(3)} bits/char)`;

function report(s: TrainSummary): void {
  // the worker has said why nothing was trained; a training summary would only repeat it wrongly
  if (s.unchanged) return;
  if (s.stopReason === 'aborted') {
    console.log(
      `interrupted at step ${s.steps}: saved ${resolve(s.out, 'last.safetensors')}\ncontinue with: ${launch.command} resume ${shownPath(s.out)}`,
    );
    process.exitCode = 130;
    return;
  }
  const why: Record<string, string> = {
    epochs: 'after the last epoch',
    maxSteps: 'at the step limit',
    minutes: 'at the time limit',
    earlyStopping: 'early',
  };
  console.log(
    `stopped ${why[s.stopReason] ?? s.stopReason} at step ${s.steps} (${s.epochs} full epoch${s.epochs === 1 ? '' : 's'}), ${(s.seconds / 60).toFixed(1)} minutes of training in all`,
  );
  if (s.bestValLoss !== undefined) console.log(`best validation      ${nats(s.bestValLoss)}`);
  if (s.finalValLoss !== undefined) {
    const n = fmt(s.finalValChars ?? 0);
    const on = s.finalValWhole
      ? `the whole validation split (${n} characters)`
      : `${n} of the ${fmt(s.validationChars ?? 0)} validation characters (--final-eval full scores all)`;
    console.log(`final validation     ${nats(s.finalValLoss)} on ${on}`);
  }
  console.log(`checkpoints in ${s.out}; sample with: ${launch.command} sample ${shownPath(s.out)}`);
}

function stopRule(o: { epochs?: number; minutes?: number; steps?: number }): StopRule {
  return { epochs: o.epochs, minutes: o.minutes, steps: o.steps };
}

const program = new Command()
  .name(APP)
  .description(
    'Character-level language model (char-rnn): learn a text one character at a time, then write new text in its style.',
  );

const finalEvalOption = () =>
  new Option(
    '--final-eval <what>',
    "when training stops, score the model on the validation split: 'full', N characters, or 'none' (default: as many characters as this session trained on, at least --val-chars)",
  ).argParser(parseFinalEval);

const progressOption = () =>
  new Option(
    '--progress <mode>',
    'progress display (default: bar on a terminal, else lines)',
  ).choices(['bar', 'lines', 'none']);

program
  .command('train')
  .description('train a model on a text; checkpoints, logs and the validation curve go to --out')
  .option('--text <file>', 'a UTF-8 text file to learn')
  .addOption(
    new Option('--corpus <name>', 'a built-in corpus (default sotu, when no --text)').choices([
      ...CORPORA,
    ]),
  )
  .option('--years <range>', 'with --corpus sotu: years to include, e.g. 1950-2021')
  .addOption(
    new Option('--cell <cell>', 'recurrent cell')
      .choices(CELL_NAMES as string[])
      .default(DEFAULTS.cell),
  )
  .option('--hidden <n>', 'hidden units', int('--hidden'), DEFAULTS.hidden)
  .option('--layers <n>', 'stacked layers', int('--layers'), DEFAULTS.layers)
  .option('--embedding <n>', 'embedding width (default: --hidden)', int('--embedding'))
  .option(
    '--dropout <p>',
    'dropout between layers and before the output',
    num('--dropout', (n) => n >= 0 && n < 1, 'in [0, 1)'),
    DEFAULTS.dropout,
  )
  .option(
    '--seq <n>',
    'characters per sequence (truncated BPTT length)',
    int('--seq'),
    DEFAULTS.seq,
  )
  .option('--batch <n>', 'parallel streams per batch', int('--batch'), DEFAULTS.batch)
  .option('--lr <rate>', 'Adam learning rate', positive('--lr'), DEFAULTS.lr)
  .option(
    '--clip <norm>',
    'clip the gradient norm to this (0: off)',
    num('--clip', (n) => n >= 0, 'a number ≥ 0'),
    DEFAULTS.clip,
  )
  .option('--epochs <n>', 'stop after this many passes over the training text', int('--epochs'))
  .option(
    '--minutes <m>',
    `stop after this much training time (default ${DEFAULTS.minutes} when no --epochs or --steps)`,
    positive('--minutes'),
  )
  .option('--steps <n>', 'stop at this step', int('--steps'))
  .option('--backend <name>', BACKEND_HELP, DEFAULTS.backend)
  .option(
    '--steps-per-call <n>',
    'training steps per backend call: on onnx, up to n batches run as one graph call (default: as many as fit 0.4 seconds, up to 64)',
    int('--steps-per-call'),
  )
  .option('--seed <n>', 'random seed (weights, dropout, samples)', int('--seed', 0), DEFAULTS.seed)
  .option('--out <dir>', 'run folder for checkpoints and logs', 'char-text-run')
  .option('--force', 'start over in an --out folder that already holds a run')
  .option(
    '--validate-every <n>',
    'validate (and print a sample) every n steps',
    int('--validate-every'),
    DEFAULTS.validateEvery,
  )
  .option(
    '--checkpoint-every <n>',
    'save last.safetensors every n steps (default: --validate-every)',
    int('--checkpoint-every'),
  )
  .option(
    '--val-fraction <f>',
    'fraction of the text, at its end, held out for validation',
    num('--val-fraction', (n) => n > 0 && n < 1, 'in (0, 1)'),
    DEFAULTS.validationFraction,
  )
  .option(
    '--val-chars <n>',
    'validate during training on this many characters of the validation split (0: all); the whole split is scored at the end',
    int('--val-chars', 0),
    DEFAULTS.valChars,
  )
  .option(
    '--sample-length <n>',
    'characters sampled at each validation (0: none)',
    int('--sample-length', 0),
    DEFAULTS.sampleLength,
  )
  .option(
    '--unknown-token',
    'add an unknown token (U+FFFD) so later texts with new characters can be read',
  )
  .addOption(progressOption())
  .option('--log-every <n>', 'with --progress lines: a line every n steps', int('--log-every'), 10)
  .addOption(finalEvalOption())
  .option('--no-plot', 'do not write validation-curve.png')
  .action(async (o) => {
    const stop = stopRule(o);
    if (stop.epochs === undefined && stop.steps === undefined && stop.minutes === undefined)
      stop.minutes = DEFAULTS.minutes;
    const train: TrainConfig = {
      batch: o.batch,
      seq: o.seq,
      lr: o.lr,
      clip: o.clip,
      seed: o.seed,
      validationFraction: o.valFraction,
      valChars: o.valChars,
      validateEvery: o.validateEvery,
      checkpointEvery: o.checkpointEvery ?? o.validateEvery,
      sampleLength: o.sampleLength,
      backend: o.backend,
      ...(o.stepsPerCall ? { stepsPerCall: o.stepsPerCall } : {}),
      ...stop,
    };
    const job: TrainJob = {
      mode: 'train',
      corpus: corpusRef(o),
      cell: o.cell as CellName,
      hidden: o.hidden,
      layers: o.layers,
      embedding: o.embedding,
      dropout: o.dropout,
      unknownToken: Boolean(o.unknownToken),
      train,
      out: resolve(o.out),
      force: Boolean(o.force),
      plot: o.plot,
      finalEval: o.finalEval,
    };
    checkRunFolder(job.out);
    report(await trainInWorker(job, progressOf(o)));
  });

program
  .command('resume')
  .description('continue a run exactly where it stopped (weights, optimizer, data position, state)')
  .argument('<dir>', 'the run folder (its last.safetensors)')
  .option(
    '--epochs <n>',
    'train until this many epochs instead of the saved limit',
    int('--epochs'),
  )
  .option(
    '--minutes <m>',
    'train this many more minutes instead of the rest of the saved budget',
    positive('--minutes'),
  )
  .option('--steps <n>', 'train until this step instead of the saved limit', int('--steps'))
  .option(
    '--backend <name>',
    `tensor backend: auto or one of ${BACKEND_CHOICES} (default: the one the run used)`,
  )
  .addOption(progressOption())
  .option('--log-every <n>', 'with --progress lines: a line every n steps', int('--log-every'), 10)
  .addOption(finalEvalOption())
  .option('--no-plot', 'do not write validation-curve.png')
  .action(async (dir: string, o) => {
    const job: TrainJob = {
      mode: 'resume',
      dir: resolve(dir),
      stop: stopRule(o),
      backend: o.backend,
      plot: o.plot,
      finalEval: o.finalEval,
    };
    report(await trainInWorker(job, progressOf(o)));
  });

program
  .command('sample')
  .description('write new text, streaming characters as they are generated')
  .argument('<dir>', 'a run folder (best.safetensors, else last) or a .safetensors file')
  .option('--length <n>', 'characters to generate', int('--length', 0), 500)
  .option(
    '--temperature <t>',
    'below 1: safer, above 1: wilder; 0: always the likeliest',
    num('--temperature', (n) => n >= 0, 'a number ≥ 0'),
    1,
  )
  .option(
    '--top-k <k>',
    'draw only among the k likeliest characters (0: all)',
    int('--top-k', 0),
    0,
  )
  .option('--prime <text>', 'text the model reads first; the sample continues it')
  .option('--seed <n>', 'random seed of the draws', int('--seed', 0), 0)
  .addOption(
    new Option('--checkpoint <which>', 'which checkpoint of a run folder')
      .choices(['best', 'last'])
      .default('best'),
  )
  .option('--backend <name>', BACKEND_HELP, DEFAULTS.backend)
  .action(async (dir: string, o) => {
    const run = loadRun(resolve(dir), o.checkpoint);
    // on stderr: stdout is the sample
    console.error((await startBackend(o.backend)).line);
    const model = restoredModel(run, new Rng(0));
    if (o.prime !== undefined) {
      const unknown = run.vocabulary.unknown === undefined ? run.vocabulary.unknownIn(o.prime) : [];
      if (unknown.length) throw new UnknownCharacterError(unknown, '--prime');
      process.stdout.write(o.prime);
    }
    const notice = topKNotice(o.topK, run.vocabulary.size);
    if (notice) console.error(notice);
    await generate(model, run.vocabulary, {
      length: o.length,
      temperature: o.temperature,
      topK: o.topK,
      prime: o.prime,
      rng: new Rng(o.seed),
      onChar: (ch) => process.stdout.write(ch),
    });
    process.stdout.write('\n');
  });

program
  .command('eval')
  .description('loss and bits per character of a trained model on a held-out text')
  .argument('<dir>', 'a run folder (best.safetensors, else last) or a .safetensors file')
  .requiredOption('--text <file>', 'the UTF-8 text to score')
  .addOption(
    new Option('--checkpoint <which>', 'which checkpoint of a run folder')
      .choices(['best', 'last'])
      .default('best'),
  )
  .option('--batch <n>', 'parallel streams (default: the run’s batch size)', int('--batch'))
  .option('--seq <n>', 'characters per chunk (default: the run’s)', int('--seq'))
  .option('--backend <name>', BACKEND_HELP, DEFAULTS.backend)
  .action(async (dir: string, o) => {
    const run = loadRun(resolve(dir), o.checkpoint);
    console.log((await startBackend(o.backend)).line);
    const model = restoredModel(run, new Rng(0));
    const corpus = fromFile(o.text);
    const ids = run.vocabulary.encode(corpus.text, { context: `the text ${o.text}` });
    // Streams of the run's shape, fewer or shorter when the text is short; state carried throughout.
    let seq = Math.min(o.seq ?? run.config.train.seq, ids.length - 1);
    const batch = Math.max(
      1,
      Math.min(o.batch ?? run.config.train.batch, Math.floor((ids.length - 1) / seq)),
    );
    seq = Math.min(seq, Math.floor((ids.length - 1) / batch));
    const data = new CharStreamDataset(ids, { batchSize: batch, seqLength: seq });
    const loss = await evaluate(model, charLoss(model), data, true);
    console.log(
      `eval ${run.path}\n  text ${o.text}: ${fmt(data.layout.charsPerPass)} of ${fmt(ids.length)} characters scored (${batch} streams × ${seq})`,
    );
    console.log(
      `  loss ${loss.toFixed(4)} nats/char, ${(loss / Math.LN2).toFixed(4)} bits/char (perplexity ${Math.exp(loss).toFixed(2)})`,
    );
  });

// A bad option prints its error and where the options are listed, not the whole help.
program.showHelpAfterError(`(${launch.command} --help lists the commands)`);
for (const c of program.commands)
  c.showHelpAfterError(`(${launch.command} ${c.name()} --help lists its options)`);

program.parseAsync().catch((e: Error) => {
  let msg = inFlagTerms(e.message);
  if (e instanceof UnknownCharacterError && !msg.startsWith('--prime'))
    msg += '; train with --unknown-token to map characters the model never saw to one token';
  if (!(e instanceof RnnkitError) && process.env.RNNKIT_DEBUG) console.error(e.stack);
  console.error(`${APP}: ${msg}`);
  process.exit(1);
});
