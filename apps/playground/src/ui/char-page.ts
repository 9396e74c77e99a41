import { CELL_NAMES } from '@rnnkit/cells';
import { fromUrl } from '@rnnkit/data';
import excerptUrl from '../corpus/tinyshakespeare-excerpt.txt?url';
import type { FromWorker } from '../protocol.js';
import { CHAR_DEFAULTS, type CharSettings } from '../training/char-run.js';
import { lossChart } from './chart.js';
import { byId, download, fillBackends, numberField } from './dom.js';
import { responsivenessButton } from './responsiveness.js';
import { Status } from './status.js';
import { WorkerClient } from './worker-client.js';

// The char-text page: corpus, cell, sizes and backend; train with a live loss chart and a stop
// button; sample with prime text, temperature and top-k; save, load and export the model.

const BUNDLED = 'tinyshakespeare-excerpt.txt';

async function corpusText(): Promise<{ name: string; text: string }> {
  const source = byId<HTMLSelectElement>('char-corpus').value;
  if (source === 'bundled')
    return { name: BUNDLED, text: (await fromUrl(excerptUrl, { name: BUNDLED })).text };
  if (source === 'paste')
    return { name: 'pasted.txt', text: byId<HTMLTextAreaElement>('char-paste').value };
  const file = byId<HTMLInputElement>('char-upload').files?.[0];
  if (!file) throw new Error('choose a text file to upload first (or pick the bundled text)');
  return { name: file.name, text: await file.text() };
}

function settings(): CharSettings {
  return {
    ...CHAR_DEFAULTS,
    cell: byId<HTMLSelectElement>('char-cell').value as CharSettings['cell'],
    hidden: numberField('char-hidden'),
    layers: numberField('char-layers'),
    embedding: numberField('char-embedding'),
    batch: numberField('char-batch'),
    seq: numberField('char-seq'),
    lr: numberField('char-lr'),
    steps: numberField('char-steps'),
    seed: numberField('char-seed'),
  };
}

export function mountCharPage(): void {
  const status = new Status('char', byId('char-status'));
  const chart = lossChart(byId('char-chart'), 'loss (nats per character)');
  const out = byId('char-sample-out');
  const cell = byId<HTMLSelectElement>('char-cell');
  for (const name of CELL_NAMES) cell.add(new Option(name, name, name === 'lstm', name === 'lstm'));
  const backend = byId<HTMLSelectElement>('char-backend');
  fillBackends(backend);
  const corpus = byId<HTMLSelectElement>('char-corpus');
  const showCorpus = () => {
    byId('char-paste').hidden = corpus.value !== 'paste';
    byId('char-upload').hidden = corpus.value !== 'upload';
  };
  corpus.addEventListener('change', showCorpus);
  showCorpus();

  const worker = new WorkerClient((m: FromWorker) => {
    status.on(m);
    if (m.type === 'step') chart.add(m.step, m.loss, null);
    else if (m.type === 'validation') chart.setAt(m.step, 1, m.loss);
    else if (m.type === 'trained') status.set('done');
    else if (m.type === 'char') out.textContent += m.text;
    else if (m.type === 'sampled') status.set('done');
    else if (m.type === 'loaded') {
      byId('char-loaded').textContent = `loaded ${m.description}`;
      status.set('done');
    } else if (m.type === 'bytes') {
      if (m.kind === 'checkpoint')
        download(m.bytes, 'char-model.safetensors', 'application/octet-stream');
      else download(m.bytes, 'char-model.onnx', 'application/octet-stream');
    }
  });
  const guard = (fn: () => Promise<void> | void) => async () => {
    try {
      await fn();
    } catch (e) {
      status.error((e as Error).message);
    }
  };

  byId('char-train').addEventListener(
    'click',
    guard(async () => {
      const s = settings();
      const text = await corpusText();
      worker.fresh();
      chart.clear();
      status.reset();
      worker.post({ type: 'train-char', backend: backend.value, corpus: text, settings: s });
    }),
  );
  byId('char-stop').addEventListener('click', () => worker.post({ type: 'stop' }));
  byId('char-sample').addEventListener(
    'click',
    guard(() => {
      out.textContent = byId<HTMLInputElement>('char-prime').value;
      status.set('sampling');
      worker.post({
        type: 'sample',
        request: {
          prime: byId<HTMLInputElement>('char-prime').value,
          length: numberField('char-length'),
          temperature: numberField('char-temperature'),
          topK: numberField('char-topk'),
          seed: numberField('char-seed'),
        },
      });
    }),
  );
  byId('char-save').addEventListener('click', () => worker.post({ type: 'save' }));
  byId('char-export').addEventListener('click', () => worker.post({ type: 'export-onnx' }));
  byId<HTMLInputElement>('char-load').addEventListener(
    'change',
    guard(async () => {
      const file = byId<HTMLInputElement>('char-load').files?.[0];
      if (!file) return;
      const bytes = new Uint8Array(await file.arrayBuffer());
      worker.fresh();
      worker.post({ type: 'load', backend: backend.value, bytes, name: file.name }, [bytes.buffer]);
    }),
  );
  responsivenessButton(byId<HTMLButtonElement>('char-ping'), byId('char-ping-out'), status);
}
