import type { GraphProto } from '@rnnkit/onnx/format';
import { hasNestedGraph, scanParts } from '../graph/scan-node.js';
import { castIndicesAfterLoop } from './argmax-index.js';
import { shiftCarriesAfterLoop } from './carry-shift.js';
import { foldCompareOfDifference } from './compare-diff.js';
import { hoistLoopInvariants } from './hoist.js';
import { tanhGateBySigmoid } from './lstm-gates.js';
import { pruneDead } from './prune.js';
import { scaleBeforeGather } from './scale-gather.js';
import { transposedWeightInLoop } from './weight-layout.js';
import { dropZeroSequences } from './zero-seqs.js';

/** One rewrite of a traced graph, in place. */
export interface Pass {
  /** The file that holds it, without `.ts`. */
  readonly name: string;
  readonly run: (graph: GraphProto) => void;
}

/**
 * The loop passes, in order: additions of all-zero sequences dropped (zero-seqs), an LSTM step's
 * cell gate from the Sigmoid of all gates (lstm-gates), the carries entering the steps taken from
 * the stacked carries leaving them after the loop instead of copied out each step (carry-shift),
 * per-step work that reads no carried value done once for all steps (hoist), a constant column
 * scale of gathered rows applied to their table instead (scale-gather), a loop product's wide
 * weight read transposed (weight-layout), a drawn index cast to int32 once after the loop
 * (argmax-index).
 */
export const LOOP_PASSES: readonly Pass[] = [
  { name: 'zero-seqs', run: dropZeroSequences },
  { name: 'lstm-gates', run: tanhGateBySigmoid },
  { name: 'carry-shift', run: shiftCarriesAfterLoop },
  { name: 'hoist', run: hoistLoopInvariants },
  { name: 'scale-gather', run: scaleBeforeGather },
  { name: 'weight-layout', run: transposedWeightInLoop },
  { name: 'argmax-index', run: castIndicesAfterLoop },
];

/**
 * `passes` on a graph's Scans, then on the Scans inside each Scan body that holds loops: the loop
 * passes leave a loop holding loops alone, and a Trainer's fused steps are one (a loop over
 * batches whose body is a training step, its recurrent loops inside), so each step's loops get
 * the same treatment as a single step's, with the hoisted work placed in the outer body. All of
 * `passes` run on one level before any runs on the next.
 */
export function eachLoopLevel(passes: readonly Pass[]): Pass['run'] {
  const run = (graph: GraphProto): void => {
    for (const p of passes) p.run(graph);
    for (const n of graph.node) {
      const body = n.op_type === 'Scan' ? scanParts(n)?.body : undefined;
      if (body && hasNestedGraph(body)) run(body);
    }
  };
  return run;
}

/**
 * Every pass `buildModel` (trace/trace-build.ts) applies to a traced graph, in the order it
 * applies them: unused nodes dropped, a difference compared with zero folded (compare-diff), the
 * loop passes on every level of loops, then unused nodes dropped again (what the others left).
 */
export const PASSES: readonly Pass[] = [
  { name: 'prune', run: pruneDead },
  { name: 'compare-diff', run: (graph) => foldCompareOfDifference(graph) },
  { name: 'loops', run: eachLoopLevel(LOOP_PASSES) },
  { name: 'prune', run: pruneDead },
];
