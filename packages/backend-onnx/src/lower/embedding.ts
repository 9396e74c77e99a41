import { DataType, int64Tensor } from '@rnnkit/onnx/format';
import type { Emit, Lower } from '../graph/emit.js';

/** Rows of table [V, D] at int32 indices [N] → [N, D] (Gather axis 0 takes int32 indices). */
export const gather: Lower = (e, [table, indices]) => [
  e.g.op('Gather', [table.name, indices.name], { axis: 0 }),
];

/** How scatterAdd sums: ScatterND (one CPU thread), a one-hot GEMM, or ScatterElements. */
export type ScatterMode = 'nd' | 'onehot' | 'elements';

/**
 * The way to sum `rows` updates into `numRows` rows: ScatterND when its kernel runs on one thread
 * (`sequential`, see scatterAddND); else, while the one-hot matrix stays small, onehot(indices)ᵀ ·
 * updates, one GEMM that sums in a fixed order too; else ScatterElements, which walks the
 * updates one element at a time, the slowest of the three (tooling/bench/README.md).
 */
export function scatterMode(numRows: number, rows: number, sequential: boolean): ScatterMode {
  if (sequential) return 'nd';
  return numRows * rows <= ONE_HOT_LIMIT ? 'onehot' : 'elements';
}

/**
 * Sums rows of updates [N, D] into zeros [numRows, D] at int32 indices [N], the way `mode` says;
 * every way sums repeated indices in index order, as a sequential loop does. ScatterElements
 * (reduction 'add', opset 16, axis 0) takes the index column broadcast to [N, D]. Key:
 * `scatterAdd|<numRows>|<mode>`.
 */
export function scatterAdd(numRows: number, mode: ScatterMode): Lower {
  if (mode === 'nd') return scatterAddND(numRows);
  if (mode === 'onehot') return scatterAddOneHot(numRows);
  return (e, [indices, updates]) => {
    const g = e.g;
    const idx = g.op('Expand', [
      g.op('Unsqueeze', [indices.name, e.ints([1])]),
      g.op('Shape', [updates.name]),
    ]);
    return [
      g.op('ScatterElements', [zeroRows(e, numRows, updates.name), idx, updates.name], {
        axis: 0,
        reduction: 'add',
      }),
    ];
  };
}

/** Zeros [numRows, ...] with the trailing dimensions of `updates`. */
function zeroRows(e: Emit, numRows: number, updates: string): string {
  const g = e.g;
  const cols = g.op('Shape', [updates], { start: 1 });
  return g.op('ConstantOfShape', [g.op('Concat', [e.ints([numRows]), cols], { axis: 0 })]);
}

/** Elements of the [N, numRows] one-hot matrix up to which scatterAdd is a GEMM (64 MB of float32). */
export const ONE_HOT_LIMIT = 16 * 1024 * 1024;

/**
 * scatterAdd as onehot(indices)ᵀ · updates, the one-hot matrix built transposed, [numRows, N], as
 * Equal(row ids [numRows, 1], indices [1, N]) cast to float: two elementwise nodes, where ONNX
 * Runtime's OneHot (int64 indices only, [N, numRows], then read transposed by the GEMM) took
 * longer than the two (measured in a char-LM training step).
 */
function scatterAddOneHot(numRows: number): Lower {
  return (e, [indices, updates]) => {
    const g = e.g;
    const rows = g.fresh('onehot_rows');
    g.initializers.push(
      int64Tensor(
        rows,
        [numRows, 1],
        Array.from({ length: numRows }, (_, i) => i),
      ),
    );
    const idx = g.op('Unsqueeze', [
      g.op('Cast', [indices.name], { to: DataType.INT64 }),
      e.ints([0]),
    ]);
    const oneHotT = g.op('Cast', [g.op('Equal', [rows, idx])], { to: DataType.FLOAT });
    return [g.op('Gemm', [oneHotT, updates.name])];
  };
}

/**
 * scatterAdd as ScatterND with reduction 'add': one pass over the updates, in index order on a
 * single thread, so repeated indices sum exactly as a sequential loop does, and faster than the
 * one-hot GEMM for a char-LM batch (tooling/bench/README.md). Only for one intra-op thread: with 2 or 4 ONNX Runtime's kernel raced and returned wrong sums (off by up to
 * 13.9 against a sequential sum in a probe), different on every run.
 */
function scatterAddND(numRows: number): Lower {
  return (e, [indices, updates]) => {
    const g = e.g;
    const idx = g.op('Unsqueeze', [
      g.op('Cast', [indices.name], { to: DataType.INT64 }),
      e.ints([1]),
    ]);
    return [
      g.op('ScatterND', [zeroRows(e, numRows, updates.name), idx, updates.name], {
        reduction: 'add',
      }),
    ];
  };
}
