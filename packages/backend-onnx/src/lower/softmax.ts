import type { Emit, Lower } from '../graph/emit.js';

/** Row-wise softmax of [N, C] (ONNX Runtime shifts by the row max). */
export const softmax: Lower = (e, [x]) => [e.g.op('Softmax', [x.name], { axis: -1 })];

/** Row-wise log-softmax of [N, C]: x − max − log Σ exp(x − max). */
export const logSoftmax: Lower = (e, [x]) => [e.g.op('LogSoftmax', [x.name], { axis: -1 })];

/** A rank-0 int64 constant. */
function int0(e: Emit, v: number): string {
  return e.g.int64('c', [v], []);
}

/** labels [N] int32 → [N, 1] (GatherElements takes int32 indices). */
function column(e: Emit, labels: string): string {
  return e.g.op('Unsqueeze', [labels, e.ints([1])]);
}

/** Per-row −log softmax(logits)[label]: LogSoftmax, then the label's column. Inputs [logits, labels]. */
export const softmaxCrossEntropy: Lower = (e, [logits, labels]) => {
  const g = e.g;
  const lsm = g.op('LogSoftmax', [logits.name], { axis: -1 });
  const picked = g.op('GatherElements', [lsm, column(e, labels.name)], { axis: 1 });
  return [g.op('Neg', [g.op('Squeeze', [picked, e.ints([1])])])];
};

/**
 * (softmax(logits) − onehot(labels))·dloss[:, None]; the one-hot row compares the label with
 * 0..C−1 (Range over the class count read from the logits' shape). Inputs [logits, labels, dloss].
 */
export const softmaxCrossEntropyGrad: Lower = (e, [logits, labels, dloss]) => {
  const g = e.g;
  const p = g.op('Softmax', [logits.name], { axis: -1 });
  const c = g.op('Squeeze', [g.op('Shape', [logits.name], { start: 1, end: 2 }), e.ints([0])]);
  const classes = g.op('Range', [int0(e, 0), c, int0(e, 1)]);
  const label64 = g.op('Cast', [column(e, labels.name)], { to: 7 });
  const onehot = g.op('Cast', [g.op('Equal', [label64, classes])], { to: 1 });
  const dl = column(e, dloss.name);
  return [g.op('Mul', [g.op('Sub', [p, onehot]), dl])];
};
