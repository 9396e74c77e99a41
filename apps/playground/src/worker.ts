/// <reference lib="webworker" />
import { Rng, setBackend } from '@rnnkit/core';
import { fromString } from '@rnnkit/data';
import { offeredBackend } from './backends.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { charCheckpointBytes, charModelFromBytes } from './training/char-checkpoint.js';
import { type CharModel, trainChars } from './training/char-run.js';
import { sampleText } from './training/sampling.js';
import { trainSine } from './training/sine-run.js';

// The training worker: all model work happens here, so the page stays responsive. One job at a
// time; 'stop' ends training (or a sample) between steps.

declare const self: DedicatedWorkerGlobalScope;

let current: AbortController | undefined;
/** The model to sample, save and export, and how to save it. */
let trained: { model: CharModel; checkpoint(): Promise<Uint8Array> } | undefined;

const send = (m: FromWorker, transfer: Transferable[] = []) => self.postMessage(m, transfer);

async function useBackend(name: string): Promise<string> {
  const offered = offeredBackend(name);
  await offered.load();
  const backend = await setBackend(name);
  send({
    type: 'backend',
    name: backend.name,
    threads: await offered.threads(backend),
    notice: await offered.notice?.(backend),
  });
  return backend.name;
}

async function trainCharJob(m: Extract<ToWorker, { type: 'train-char' }>): Promise<void> {
  const backend = await useBackend(m.backend);
  const corpus = fromString(m.corpus.text, m.corpus.name);
  const controller = new AbortController();
  current = controller;
  const chars = m.settings.batch * m.settings.seq;
  let t0 = 0;
  const { trained: model, fit } = await trainChars(corpus, m.settings, {
    signal: controller.signal,
    onStep(s) {
      // The first step includes the backend's warm-up; the rate counts from its end.
      if (s.step === 1) t0 = performance.now();
      const seconds = (performance.now() - t0) / 1000;
      const charsPerSecond = s.step > 1 && seconds > 0 ? ((s.step - 1) * chars) / seconds : 0;
      send({ type: 'step', step: s.step, loss: s.loss, charsPerSecond });
    },
    onValidation: (v) => send({ type: 'validation', step: v.step, loss: v.valLoss }),
  });
  trained = { model, checkpoint: () => charCheckpointBytes(model, m.corpus, m.settings, backend) };
  send({ type: 'trained', steps: fit.steps, stopReason: fit.stopReason });
}

async function trainSineJob(m: Extract<ToWorker, { type: 'train-sine' }>): Promise<void> {
  await useBackend(m.backend);
  const controller = new AbortController();
  current = controller;
  const losses = await trainSine(m.settings, {
    signal: controller.signal,
    onStep: (s) => send({ type: 'step', step: s.step, loss: s.loss, charsPerSecond: 0 }),
    onForecast: (forecast) => send({ type: 'forecast', forecast }),
  });
  send({
    type: 'trained',
    steps: losses.length,
    stopReason: controller.signal.aborted ? 'aborted' : 'maxSteps',
  });
}

function needModel(): NonNullable<typeof trained> {
  if (!trained) throw new Error('no model yet: train one or load a checkpoint first');
  return trained;
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'train-char':
      return trainCharJob(m);
    case 'train-sine':
      return trainSineJob(m);
    case 'stop':
      current?.abort();
      return;
    case 'sample': {
      const t = needModel();
      const controller = new AbortController();
      current = controller;
      const text = await sampleText(t.model, {
        ...m.request,
        rng: new Rng(m.request.seed),
        onChar: (ch) => send({ type: 'char', text: ch }),
        stopped: () => controller.signal.aborted,
      });
      send({ type: 'sampled', text });
      return;
    }
    case 'save': {
      const t = needModel();
      const bytes = await t.checkpoint();
      send({ type: 'bytes', kind: 'checkpoint', bytes }, [bytes.buffer]);
      return;
    }
    case 'load': {
      await useBackend(m.backend);
      const model = charModelFromBytes(m.bytes, m.name);
      // Saved again as loaded: the file's own bytes (its corpus and settings stay as they were).
      const copy = m.bytes.slice();
      trained = { model, checkpoint: async () => copy.slice() };
      const c = model.config;
      send({
        type: 'loaded',
        description: `${m.name}: ${c.cell}, hidden ${c.hiddenSize}, ${c.numLayers} layer(s), ${model.vocabulary.size} characters, trained ${model.steps} steps`,
      });
      return;
    }
    case 'export-onnx': {
      const t = needModel();
      const { exportOnnx } = await import('@rnnkit/onnx');
      const bytes = await exportOnnx(t.model.model);
      send({ type: 'bytes', kind: 'onnx', bytes }, [bytes.buffer]);
      return;
    }
  }
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  handle(e.data).catch((err: unknown) =>
    send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
};
