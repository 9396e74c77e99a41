import {
  type GraphProto,
  makeAttribute,
  type NodeProto,
  type TensorProto,
} from '@rnnkit/onnx/format';
import { hasNestedGraph, insertAtEachScan, scanParts } from '../graph/scan-node.js';

/** Elementwise ops (any number of inputs, numpy broadcasting) whose result has the first input's type. */
const SAME_TYPE = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Max',
  'Min',
  'Tanh',
  'Sigmoid',
  'Relu',
  'Neg',
  'Exp',
  'Log',
  'Sqrt',
  'Abs',
  'Reciprocal',
  'Sign',
  'Identity',
  'Clip',
]);
/** Elementwise comparisons: a boolean result. */
const COMPARE = new Set(['Greater', 'Less', 'Equal', 'GreaterOrEqual', 'LessOrEqual']);
const BOOL = 9;

/** What is known of a value the hoisted nodes read or make: its rank and element type. */
interface Known {
  readonly rank: number;
  readonly type: number;
  /** Made by stacking per-step values (a loop's per-step input, or a hoisted node's result). */
  readonly stacked: boolean;
}

/**
 * Moves per-step work that does not depend on the loop's carried state out of every `Scan` in
 * `graph`, where it runs once on whole sequences: a node of a loop body whose inputs are per-step
 * inputs, constants, graph inputs or other such nodes' results computes the same thing on
 * [T, ...] as on each step's slice, when it is elementwise (or a Split/Concat along a non-time
 * axis). A backward loop reads the forward loop's saved activations and computes their
 * derivatives (1 − y², σ(1 − σ)) before it needs the carried gradient: those become a few large
 * nodes instead of a few small ones per step. ONNX Runtime pays a fixed cost per node per step in
 * a loop body, often more than the arithmetic, so this is the part of a training step's backward
 * that does not have to be sequential. Results the body still reads become extra per-step inputs.
 */
export function hoistLoopInvariants(graph: GraphProto): void {
  const outer = new Map<string, Known>();
  for (const v of graph.input) {
    const dims = v.type?.tensor_type?.shape?.dim;
    const type = v.type?.tensor_type?.elem_type;
    if (dims && type) outer.set(v.name, { rank: dims.length, type, stacked: false });
  }
  for (const t of graph.initializer) outer.set(t.name ?? '', constKnown(t));
  insertAtEachScan(graph, 'before', (scan) => hoistFrom(scan, graph, outer));
}

/** Hoists what it can out of Scan node `scan`'s body; returns the nodes to run before it. */
function hoistFrom(scan: NodeProto, graph: GraphProto, outer: Map<string, Known>): NodeProto[] {
  const parts = scanParts(scan);
  if (!parts) return [];
  const { attrs, body, numScan, nState } = parts;
  const dirs = attrs.find((a) => a.name === 'scan_input_directions');
  if (attrs.some((a) => a.name === 'scan_input_axes')) return [];
  const directions = dirs?.ints ?? [];
  if (directions.some((d) => d !== directions[0])) return [];
  // a nested loop would read a moved value by name from outside, where it is now whole sequences
  if (hasNestedGraph(body)) return [];

  // what each hoistable value is called outside, and what is known of it
  const known = new Map<string, Known>();
  const outside = new Map<string, string>();
  for (let k = nState; k < body.input.length; k++) {
    const v = body.input[k];
    const dims = v.type?.tensor_type?.shape?.dim;
    const type = v.type?.tensor_type?.elem_type;
    if (!dims || !type) continue;
    known.set(v.name, { rank: dims.length, type, stacked: true });
    outside.set(v.name, scan.input[k]);
  }
  const bodyConsts = new Map<string, TensorProto>();
  for (const t of body.initializer) {
    bodyConsts.set(t.name ?? '', t);
    known.set(t.name ?? '', constKnown(t));
  }
  const bodyMade = new Set(body.node.flatMap((n) => n.output));
  const resultOf = (x: string): Known | undefined =>
    known.get(x) ?? (bodyMade.has(x) ? undefined : outer.get(x));
  const bodyOutputs = new Set(body.output.map((o) => o.name));

  const moved: NodeProto[] = [];
  const kept: NodeProto[] = [];
  for (const n of body.node) {
    const out = n.output.some((o) => bodyOutputs.has(o)) ? undefined : hoisted(n, resultOf);
    if (!out) {
      kept.push(n);
      continue;
    }
    for (const [i, o] of n.output.entries()) {
      known.set(o, out[i]);
      outside.set(o, o);
    }
    moved.push(n);
  }
  if (moved.length === 0) return [];
  // Every per-step input costs a slice per step, about what a small node costs: moving nodes
  // out pays only when fewer per-step values are left to pass in than nodes are moved
  // (hoisting the Split of an LSTM's saved gates alone would pass four slices instead).
  const read = new Set([...kept.flatMap((n) => n.input), ...bodyOutputs]);
  const added = moved.flatMap((n) => n.output).filter((o) => read.has(o)).length;
  const wasRead = new Set([...body.node.flatMap((n) => n.input), ...bodyOutputs]);
  const freed = body.input.slice(nState).filter((v) => wasRead.has(v.name) && !read.has(v.name));
  if (moved.length - added + freed.length <= 0) return [];

  // outside the loop, the nodes read whole sequences and the body's constants
  const outerNames = new Set(graph.initializer.map((t) => t.name));
  for (const n of moved) {
    n.input = n.input.map((x) => {
      const c = bodyConsts.get(x);
      if (c && !outerNames.has(x)) {
        graph.initializer.push(c);
        outerNames.add(x);
      }
      return outside.get(x) ?? x;
    });
    shiftAxis(n);
  }
  // inside, what the remaining nodes still read arrives as one more per-step input each
  const perStep = new Map<string, string>();
  for (const n of moved) {
    for (const o of n.output) {
      if (!read.has(o)) continue;
      const name = `${o}.step`;
      perStep.set(o, name);
      body.input.push({ name, type: { tensor_type: { elem_type: known.get(o)!.type } } });
      scan.input.push(o);
      numScan.i++;
      if (dirs?.ints) dirs.ints.push(directions[0]);
    }
  }
  for (const n of kept) n.input = n.input.map((x) => perStep.get(x) ?? x);
  body.node.splice(0, body.node.length, ...kept);
  return moved;
}

/**
 * The ranks and types of `n`'s results when it can run on whole sequences, else undefined: an
 * elementwise node whose stacked inputs all have one rank (an unstacked input of no higher rank
 * broadcasts the same way against [T, ...]), or a Split/Concat of stacked values.
 */
function hoisted(n: NodeProto, resultOf: (x: string) => Known | undefined): Known[] | undefined {
  const ins = n.input.map((x) => (x === '' ? undefined : resultOf(x)));
  if (ins.some((k, i) => k === undefined && n.input[i] !== '')) return undefined;
  const data = ins.filter((k): k is Known => k !== undefined);
  const stacked = data.filter((k) => k.stacked);
  if (stacked.length === 0) return undefined; // loop-invariant: left where it is (rare, cheap)
  const rank = stacked[0].rank;
  if (stacked.some((k) => k.rank !== rank)) return undefined;
  const one = (type: number): Known[] => [{ rank, type, stacked: true }];
  const op = n.op_type;
  if (op === 'Split' || op === 'Concat') {
    if (op === 'Split' && !ins[0]?.stacked) return undefined;
    if (op === 'Concat' && stacked.length !== data.length) return undefined;
    return n.output.map(() => ({ rank, type: stacked[0].type, stacked: true }));
  }
  if (data.some((k) => !k.stacked && k.rank > rank)) return undefined;
  if (SAME_TYPE.has(op)) return one(data[0].type);
  if (COMPARE.has(op)) return one(BOOL);
  if (op === 'Where') return one(data[1].type);
  if (op === 'Cast') {
    const to = n.attribute?.find((a) => a.name === 'to')?.i;
    return to === undefined ? undefined : one(to);
  }
  return undefined;
}

/** A Split or Concat moved outside: its axis counts the time axis in front. */
function shiftAxis(n: NodeProto): void {
  if (n.op_type !== 'Split' && n.op_type !== 'Concat') return;
  n.attribute ??= [];
  const a = n.attribute.find((x) => x.name === 'axis');
  if (!a) {
    n.attribute.push(makeAttribute('axis', 1)); // Split's default axis is 0
  } else if ((a.i ?? 0) >= 0) a.i = (a.i ?? 0) + 1;
}

function constKnown(t: TensorProto): Known {
  return { rank: t.dims?.length ?? 0, type: t.data_type ?? 1, stacked: false };
}
