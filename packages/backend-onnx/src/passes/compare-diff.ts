import {
  DataType,
  type GraphProto,
  type NodeProto,
  readTensor,
  type TensorProto,
} from '@rnnkit/onnx/format';

const COMPARES = new Set(['Greater', 'Less']);

/**
 * Compares a difference with zero as a comparison of its operands: Greater(Sub(a, b), 0) becomes
 * Greater(a, b), and Less likewise, when nothing else reads the difference. The two agree for
 * every float input: a rounded difference of finite values is zero only when they are equal and
 * keeps the sign of the exact one, an infinite difference has the sign of a − b, and NaN compares
 * false either way. Core writes such masks as `step(a − b)` (the gradients of `max` and
 * `maximum`); each loses its Sub. Walks loop bodies too.
 */
export function foldCompareOfDifference(
  graph: GraphProto,
  outer: ReadonlyMap<string, TensorProto> = new Map(),
): void {
  const consts = new Map(outer);
  for (const t of graph.initializer) consts.set(t.name ?? '', t);
  const made = new Map<string, NodeProto>();
  const uses = new Map<string, number>();
  const count = (x: string) => uses.set(x, (uses.get(x) ?? 0) + 1);
  for (const n of graph.node) {
    for (const o of n.output) made.set(o, n);
    n.input.forEach(count);
    for (const a of n.attribute ?? []) if (a.g) namesRead(a.g).forEach(count);
  }
  for (const o of graph.output) count(o.name);
  const dropped = new Set<NodeProto>();
  for (const n of graph.node) {
    if (!COMPARES.has(n.op_type) || n.input.length !== 2) continue;
    const sub = made.get(n.input[0]);
    if (sub?.op_type !== 'Sub' || uses.get(n.input[0]) !== 1) continue;
    if (!isZero(consts.get(n.input[1]))) continue;
    n.input = [sub.input[0], sub.input[1]];
    dropped.add(sub);
  }
  if (dropped.size) {
    const kept = graph.node.filter((n) => !dropped.has(n));
    graph.node.splice(0, graph.node.length, ...kept);
  }
  for (const n of graph.node) {
    for (const a of n.attribute ?? []) if (a.g) foldCompareOfDifference(a.g, consts);
  }
}

/** Every name a graph's nodes read, nested graphs included. */
function namesRead(g: GraphProto): string[] {
  return g.node.flatMap((n) => [
    ...n.input,
    ...(n.attribute ?? []).flatMap((a) => (a.g ? namesRead(a.g) : [])),
  ]);
}

/** A float constant with one element, zero (integer differences can wrap around: not folded). */
function isZero(t: TensorProto | undefined): boolean {
  if (!t || (t.data_type !== DataType.FLOAT && t.data_type !== DataType.DOUBLE)) return false;
  if ((t.dims ?? []).reduce((a, b) => a * Number(b), 1) !== 1) return false;
  try {
    return readTensor(t).data[0] === 0;
  } catch {
    return false;
  }
}
