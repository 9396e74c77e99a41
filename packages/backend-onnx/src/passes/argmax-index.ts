import {
  DataType,
  type GraphProto,
  makeAttribute,
  type NodeProto,
  type ValueInfoProto,
} from '@rnnkit/onnx/format';
import { intAttr } from '../graph/graph-info.js';
import { hasNestedGraph, insertAtEachScan, scanParts } from '../graph/scan-node.js';

/**
 * Keeps a loop's drawn index in ArgMax's own int64 and casts the stacked indices once, after the
 * loop. Core's `argmax` is int32, so its lowering is ArgMax then Cast to int32; in a sampling loop
 * the index only picks the next input row (Gather takes int64 indices as they are) and leaves
 * the loop as a per-step output. When every reader of the Cast in a `Scan` body is a Gather's
 * indices or a per-step output, this pass feeds them ArgMax's result, drops the Cast from the
 * body and casts the stacked output to int32 after the Scan: one node fewer per step and the
 * same values, as an index below the vocabulary size fits int32 exactly. The char model's
 * sampling step goes from 14 nodes to 13 (its time did not measurably change; see
 * tooling/bench/README.md). A Cast that feeds a carried value or anything else is left alone.
 */
export function castIndicesAfterLoop(graph: GraphProto): void {
  insertAtEachScan(graph, 'after', rewrite);
}

/** Rewrites `scan`'s body; returns the Casts to run after the loop. */
function rewrite(scan: NodeProto): NodeProto[] {
  const parts = scanParts(scan);
  if (!parts || hasNestedGraph(parts.body)) return [];
  const { body, nState } = parts;
  const made = new Map<string, NodeProto>();
  for (const n of body.node) for (const o of n.output) made.set(o, n);
  const outNames = new Set(body.output.map((o) => o.name));
  const after: NodeProto[] = [];
  const dropped = new Set<NodeProto>();
  for (const cast of body.node) {
    if (!isCastToInt32(cast)) continue;
    const [idx] = cast.input;
    const [id32] = cast.output;
    if (made.get(idx)?.op_type !== 'ArgMax' || outNames.has(idx)) continue;
    const gathers = body.node.filter((n) => n.input.includes(id32));
    if (!gathers.every((n) => n.op_type === 'Gather' && n.input.indexOf(id32) === 1)) continue;
    if (gathers.some((n) => n.input[0] === id32)) continue;
    const outs = body.output.flatMap((o, j) => (o.name === id32 ? [j] : []));
    // one per-step output at most, and never a carried value
    if (outs.length !== 1 || outs[0] < nState) continue;
    const j = outs[0];
    for (const n of gathers) n.input[1] = idx;
    retype(body.output[j], idx);
    const stacked = scan.output[j];
    scan.output[j] = `${stacked}.i64`;
    after.push({
      name: `${stacked}/Cast`,
      op_type: 'Cast',
      input: [scan.output[j]],
      output: [stacked],
      attribute: [makeAttribute('to', DataType.INT32)],
    });
    dropped.add(cast);
  }
  if (dropped.size) {
    const kept = body.node.filter((n) => !dropped.has(n));
    body.node.splice(0, body.node.length, ...kept);
  }
  return after;
}

function isCastToInt32(n: NodeProto): boolean {
  return n.op_type === 'Cast' && n.input.length === 1 && intAttr(n, 'to') === DataType.INT32;
}

/** The body output becomes `name`, int64. */
function retype(v: ValueInfoProto, name: string): void {
  v.name = name;
  const t = v.type?.tensor_type;
  if (t) t.elem_type = DataType.INT64;
}
