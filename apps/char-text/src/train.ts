import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type CellName, charLMFromConfig } from '@rnnkit/cells';
import { loadBackend, manualSeed, Rng, RnnkitError } from '@rnnkit/core';
import {
  type CharStreamDataset,
  charTextData,
  type TextCorpus,
  type Vocabulary,
} from '@rnnkit/data';
import { Adam, type CheckpointData, type ProgressReporter, Trainer } from '@rnnkit/train';
import { startBackend } from './backends.js';
import {
  APP,
  CONFIG_VERSION,
  type CorpusRef,
  DEFAULTS,
  type RunConfig,
  type RunExtra,
  type TrainConfig,
} from './config.js';
import { loadCorpus, reloadCorpus, textSha256 } from './corpus.js';
import { type FinalEval, finalEvalChars, finalEvalData, scoreWithProgress } from './final-eval.js';
import { generate } from './generate.js';
import { RunLog } from './history.js';
import { launched, shownPath } from './invocation.js';
import { charLoss, loadRun } from './model.js';
import { writeCurvePlot } from './plot.js';
import { clearRunFolder, limitReached } from './run-folder.js';

/** How long to train: any of these that is set stops the run. */
export interface StopRule {
  epochs?: number;
  minutes?: number;
  steps?: number;
}

/** A fresh run (`train`) or the continuation of one (`resume`), as the worker receives it. */
export type TrainJob =
  | {
      mode: 'train';
      corpus: CorpusRef;
      cell: CellName;
      hidden: number;
      layers: number;
      embedding?: number;
      dropout: number;
      unknownToken: boolean;
      train: TrainConfig;
      out: string;
      force: boolean;
      plot: boolean;
      finalEval?: FinalEval;
    }
  | {
      mode: 'resume';
      dir: string;
      stop: StopRule;
      backend?: string;
      plot: boolean;
      finalEval?: FinalEval;
    };

export interface TrainSummary {
  out: string;
  stopReason: string;
  steps: number;
  epochs: number;
  seconds: number;
  bestValLoss?: number;
  finalValLoss?: number;
  /** Characters the final validation scored. */
  finalValChars?: number;
  /** Whether the final validation covered the whole split (else its first finalValChars). */
  finalValWhole?: boolean;
  /** Characters of the validation split (inputs with a next character to predict). */
  validationChars?: number;
  /** A resume that found the run already at its limit: it trained nothing and changed no file. */
  unchanged?: boolean;
}

/** What the worker hands the training: where progress goes and whether Ctrl-C was pressed. */
export interface TrainIO {
  report: ProgressReporter;
  stopRequested(): boolean;
  /** Tells the host the time budget of this session, for the ETA. */
  started(info: { minutes?: number; totalSteps?: number; startStep: number }): void;
  /** The token of the run folder's lock, which the main thread holds (see run-folder.ts). */
  lock?: string;
  /** Progress of the final validation: batches done of the total, each this many characters. */
  scoring(done: number, total: number, charsPerBatch: number): void;
}

const fmt = (n: number) => n.toLocaleString('en-US');

interface Prepared {
  config: RunConfig;
  corpus: TextCorpus;
  vocabulary: Vocabulary;
  resume?: CheckpointData;
  stop: StopRule;
  elapsed: number;
}

async function prepare(job: TrainJob, io: TrainIO): Promise<Prepared & { out: string }> {
  if (job.mode === 'train') {
    if (!job.force && existsSync(join(job.out, 'last.safetensors')))
      throw new RnnkitError(
        `${job.out} already holds a run; continue it with '${launched().command} resume ${shownPath(job.out)}', or pass --force to start over there`,
      );
    const backend = await startBackend(job.train.backend);
    io.report.log(backend.line);
    // the run records the backend that trained it ('auto' resolved): resume uses it again
    job.train.backend = backend.name;
    const corpus = await loadCorpus(job.corpus);
    const data = charTextData(corpus, {
      batchSize: job.train.batch,
      seqLength: job.train.seq,
      validationFraction: job.train.validationFraction,
      unknown: job.unknownToken ? '\uFFFD' : undefined,
    });
    const config: RunConfig = {
      app: APP,
      version: CONFIG_VERSION,
      corpus: {
        ...job.corpus,
        name: corpus.name,
        chars: data.ids.length,
        sha256: textSha256(corpus.text),
      },
      model: {
        cell: job.cell,
        hiddenSize: job.hidden,
        numLayers: job.layers,
        embeddingDim: job.embedding ?? job.hidden,
        dropout: job.dropout,
        vocabSize: data.vocabulary.size,
      },
      vocabulary: data.vocabulary.toJSON(),
      train: job.train,
    };
    if (job.force) {
      // The earlier run goes before this one writes anything, so no command sees its files.
      const removed = clearRunFolder(job.out);
      if (removed.length)
        io.report.log(`--force: removed ${removed.join(', ')} of the earlier run`);
    }
    const { epochs, minutes, steps } = job.train;
    return {
      out: job.out,
      config,
      corpus,
      vocabulary: data.vocabulary,
      stop: { epochs, minutes, steps },
      elapsed: 0,
    };
  }
  const run = loadRun(job.dir, 'last');
  const config = run.config;
  if (job.backend) {
    const backend = await startBackend(job.backend);
    io.report.log(backend.line);
    config.train.backend = backend.name;
  } else {
    await loadBackend(config.train.backend, (pkg) => import(pkg));
    io.report.log(
      `backend: ${config.train.backend} (the one this run trained on; --backend to choose another)`,
    );
  }
  const corpus = await reloadCorpus(config);
  const elapsed = (run.checkpoint.extra as Partial<RunExtra> | undefined)?.elapsedSeconds ?? 0;
  const given = job.stop.epochs ?? job.stop.minutes ?? job.stop.steps;
  const stop: StopRule =
    given !== undefined
      ? job.stop
      : {
          epochs: config.train.epochs,
          steps: config.train.steps,
          minutes: config.train.minutes && config.train.minutes - elapsed / 60,
        };
  io.report.log(
    `resuming ${job.dir} at step ${run.checkpoint.progress.step} (epoch ${run.checkpoint.progress.epoch + 1}, ${Math.round(elapsed)} s trained so far)`,
  );
  return {
    out: job.dir,
    config,
    corpus,
    vocabulary: run.vocabulary,
    resume: run.checkpoint,
    stop,
    elapsed,
  };
}

/** Trains (or resumes) a char-rnn run into its folder; the worker thread runs this. */
export async function runTrainJob(job: TrainJob, io: TrainIO): Promise<TrainSummary> {
  const p = await prepare(job, io);
  const { config, corpus, vocabulary, out } = p;
  const t = config.train;
  const log = (line: string) => io.report.log(line);
  if (p.stop.minutes !== undefined && p.stop.minutes <= 0) {
    log(
      `this run has used its ${config.train.minutes} minute budget; pass --minutes, --epochs or --steps to train further`,
    );
    return {
      out,
      stopReason: 'minutes',
      steps: p.resume?.progress.step ?? 0,
      epochs: p.resume?.progress.epoch ?? 0,
      seconds: p.elapsed,
    };
  }
  const reached = p.resume && limitReached(out, p.resume.progress, p.stop);
  if (p.resume && reached) {
    log(reached.message);
    return {
      out,
      stopReason: reached.reason,
      unchanged: true,
      steps: p.resume.progress.step,
      epochs: p.resume.progress.epoch,
      seconds: p.elapsed,
    };
  }
  mkdirSync(out, { recursive: true });

  const data = charTextData(corpus, {
    batchSize: t.batch,
    seqLength: t.seq,
    validationFraction: t.validationFraction,
    vocabulary,
    maxValidationChars: t.valChars > 0 ? t.valChars : undefined,
  });
  const fullIds = data.ids.subarray(data.splitIndex);
  // whether the validation during training covers the whole split (--val-chars did not cut it)
  const wholeSplit = data.validation.ids.length === fullIds.length;
  const validChars = (d: CharStreamDataset) => d.layout.charsPerPass;

  manualSeed(t.seed);
  const rng = new Rng(t.seed);
  const model = charLMFromConfig(config.model, { rng });
  const loss = charLoss(model);
  const nParams = model.parameters().reduce((n, q) => n + q.size, 0);
  const m = config.model;
  if (!p.resume) {
    log(
      `corpus ${corpus.name}: ${fmt(data.ids.length)} characters, ${vocabulary.size} distinct; train ${fmt(data.splitIndex)}, validation ${fmt(fullIds.length)}`,
    );
    log(
      `model ${m.cell}: hidden ${m.hiddenSize}, ${m.numLayers} layer${m.numLayers > 1 ? 's' : ''}, embedding ${m.embeddingDim}${m.dropout ? `, dropout ${m.dropout}` : ''}, ${fmt(nParams)} parameters; backend ${t.backend}`,
    );
    log(
      `batch ${t.batch} × ${t.seq} characters, ${fmt(data.train.numBatches())} steps per epoch; Adam ${t.lr}, gradient clipping ${t.clip}; validating every ${t.validateEvery} steps on ${fmt(validChars(data.validation))} characters`,
    );
  }
  const stopText = [
    p.stop.epochs !== undefined && `${p.stop.epochs} epoch${p.stop.epochs === 1 ? '' : 's'}`,
    p.stop.steps !== undefined && `step ${p.stop.steps}`,
    p.stop.minutes !== undefined && `${+p.stop.minutes.toFixed(2)} minutes`,
  ].filter(Boolean);
  log(`training until ${stopText.join(' or ')}; checkpoints in ${out}`);

  const runLog = new RunLog(out, p.resume?.progress.step);
  const extra: RunExtra = { elapsedSeconds: p.elapsed };
  const t0 = performance.now();
  const elapsed = () => p.elapsed + (performance.now() - t0) / 1000;
  const controller = new AbortController();
  const startStep = p.resume?.progress.step ?? 0;
  const perEpoch = data.train.numBatches();
  const totalSteps = Math.min(
    p.stop.steps ?? Number.POSITIVE_INFINITY,
    p.stop.epochs !== undefined ? p.stop.epochs * perEpoch : Number.POSITIVE_INFINITY,
  );
  io.started({
    minutes: p.stop.minutes,
    totalSteps: Number.isFinite(totalSteps) ? totalSteps : undefined,
    startStep,
  });

  let lastEpoch = p.resume?.progress.epoch ?? 0;
  const fit = await new Trainer().fit({
    model,
    optimizer: new Adam(model.parameters(), { lr: t.lr }),
    loss,
    train: data.train,
    validation: data.validation,
    tbptt: true,
    clipNorm: t.clip > 0 ? t.clip : undefined,
    stepsPerCall: t.stepsPerCall,
    epochs: p.stop.epochs,
    minutes: p.stop.minutes,
    maxSteps: p.stop.steps,
    validateEvery: t.validateEvery,
    checkpoint: { dir: out, every: t.checkpointEvery, config, extra, lock: io.lock },
    resume: p.resume,
    rngs: { model: rng },
    signal: controller.signal,
    progress: io.report,
    lossUnit: 'nats',
    itemsPerBatch: t.batch * t.seq,
    itemsUnit: 'chars',
    callbacks: [
      {
        onStep(s) {
          lastEpoch = s.epoch;
          extra.elapsedSeconds = elapsed();
          runLog.train({
            step: s.step,
            epoch: s.epoch,
            seconds: extra.elapsedSeconds,
            loss: s.loss,
          });
          if (io.stopRequested()) controller.abort();
        },
        async onValidation(v) {
          extra.elapsedSeconds = elapsed();
          runLog.validation({
            step: v.step,
            epoch: v.epoch,
            seconds: extra.elapsedSeconds,
            loss: v.valLoss,
            bits: v.valLoss / Math.LN2,
            chars: validChars(data.validation),
            kind: wholeSplit ? 'full' : 'subset',
          });
          if (t.sampleLength > 0) {
            // Its own generator, seeded by the step: sampling never disturbs the training's RNGs.
            const text = await generate(model, vocabulary, {
              length: t.sampleLength,
              temperature: DEFAULTS.sampleTemperature,
              rng: new Rng(t.seed * 1_000_003 + v.step),
            });
            log(`--- sample at step ${v.step} (temperature ${DEFAULTS.sampleTemperature}) ---`);
            log(text);
            log('---');
          }
        },
      },
    ],
  });

  const trainedSeconds = elapsed();
  const summary: TrainSummary = {
    out,
    stopReason: fit.stopReason,
    steps: fit.steps,
    epochs: fit.epochs,
    seconds: trainedSeconds,
    bestValLoss: fit.bestValLoss,
  };
  const lastVal = fit.validation.at(-1);
  const target =
    fit.stopReason !== 'aborted' && fit.steps > startStep
      ? finalEvalChars(job.finalEval ?? 'auto', {
          splitChars: fullIds.length - 1,
          sessionChars: (fit.steps - startStep) * t.batch * t.seq,
          valChars: t.valChars,
        })
      : undefined;
  summary.validationChars = fullIds.length;
  if (
    target !== undefined &&
    lastVal?.step === fit.steps &&
    target <= validChars(data.validation)
  ) {
    // The validation at the last step already scored at least as much.
    summary.finalValLoss = lastVal.loss;
    summary.finalValChars = validChars(data.validation);
    summary.finalValWhole = wholeSplit;
  } else if (target !== undefined) {
    // The model as it ends the session, forward only, with its progress shown.
    const final = finalEvalData(fullIds, target, t);
    summary.finalValChars = validChars(final);
    summary.finalValWhole = target === fullIds.length - 1;
    log(
      `final validation on ${summary.finalValWhole ? 'the whole validation split, ' : ''}${fmt(summary.finalValChars)} characters (${final.layout.batchSize} streams × ${final.layout.seqLength})`,
    );
    summary.finalValLoss = await scoreWithProgress(model, loss, final, io.scoring);
    runLog.validation({
      step: fit.steps,
      epoch: lastEpoch,
      seconds: trainedSeconds,
      loss: summary.finalValLoss,
      bits: summary.finalValLoss / Math.LN2,
      chars: summary.finalValChars,
      kind: 'final',
    });
  }
  if (job.plot) {
    const png = join(out, 'validation-curve.png');
    await writeCurvePlot(out, png, `${m.cell} ${m.hiddenSize} on ${corpus.name}`);
    log(`validation curve written to ${png}`);
  }
  return summary;
}
