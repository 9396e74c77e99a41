// What an rnnkit ONNX file says about itself: graph input/output names and the model description
// under `rnnkit.model`. Kept apart from export.ts so that inspect (and the CLI's inspect) does not
// load @rnnkit/cells, an optional peer.

/** Graph input and output names used by `exportOnnx`. */
export const IO_NAMES = {
  input: 'input',
  tokens: 'tokens',
  output: 'output',
  logits: 'logits',
  h0: 'h0',
  c0: 'c0',
  hn: 'hn',
  cn: 'cn',
} as const;

/** Metadata key holding the rnnkit model description (type and options) as JSON. */
export const MODEL_METADATA_KEY = 'rnnkit.model';

/** The rnnkit description stored under `rnnkit.model`. */
export interface ModelDescription {
  type: 'RNN' | 'LSTM' | 'GRU' | 'SequenceRegressor' | 'CharLM';
  options: Record<string, unknown>;
}
