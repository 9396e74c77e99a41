import type { Lower } from '../emit.js';

/** Rows of table [V, D] at int32 indices [N] → [N, D] (Gather axis 0 takes int32 indices). */
export const gather: Lower = (e, [table, indices]) => [
  e.g.op('Gather', [table.name, indices.name], { axis: 0 }),
];

/**
 * Sums rows of updates [N, D] into zeros [numRows, D] at int32 indices [N]: ScatterElements with
 * reduction 'add' (opset 16) on axis 0, the index column broadcast to [N, D]. ONNX Runtime's CPU
 * kernel applies the updates one after another in index order, so repeated indices sum exactly as
 * a sequential loop does (ScatterND's kernel may split the updates over threads). Key:
 * `scatterAdd|<numRows>`.
 */
export function scatterAdd(numRows: number): Lower {
  return (e, [indices, updates]) => {
    const g = e.g;
    const cols = g.op('Shape', [updates.name], { start: 1 });
    const zeros = g.op('ConstantOfShape', [g.op('Concat', [e.ints([numRows]), cols], { axis: 0 })]);
    const idx = g.op('Expand', [
      g.op('Unsqueeze', [indices.name, e.ints([1])]),
      g.op('Shape', [updates.name]),
    ]);
    return [g.op('ScatterElements', [zeros, idx, updates.name], { axis: 0, reduction: 'add' })];
  };
}
