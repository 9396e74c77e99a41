import type { CharSettings } from './training/char-run.js';
import type { Forecast, SineSettings } from './training/sine-run.js';

// The messages between the page and its training worker.

export interface SampleRequest {
  prime: string;
  length: number;
  temperature: number;
  topK: number;
  seed: number;
}

export type ToWorker =
  | {
      type: 'train-char';
      backend: string;
      corpus: { name: string; text: string };
      settings: CharSettings;
    }
  | { type: 'train-sine'; backend: string; settings: SineSettings }
  | { type: 'stop' }
  | { type: 'sample'; request: SampleRequest }
  | { type: 'save' }
  | { type: 'load'; backend: string; bytes: Uint8Array; name: string }
  | { type: 'export-onnx' };

export type FromWorker =
  | { type: 'backend'; name: string; threads: string; notice?: string }
  | { type: 'step'; step: number; loss: number; charsPerSecond: number }
  | { type: 'validation'; step: number; loss: number }
  | { type: 'forecast'; forecast: Forecast }
  | { type: 'trained'; steps: number; stopReason: string }
  | { type: 'char'; text: string }
  | { type: 'sampled'; text: string }
  | { type: 'bytes'; kind: 'checkpoint' | 'onnx'; bytes: Uint8Array }
  | { type: 'loaded'; description: string }
  | { type: 'error'; message: string };
