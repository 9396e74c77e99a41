import type { AttributeProto, GraphProto, NodeProto } from '@rnnkit/onnx/format';
import { scanParts } from '../graph/scan-node.js';

/**
 * Removes what nothing uses, in `graph` and in its loop bodies, and returns the names the graph
 * reads from outside itself: nodes whose results are unused, and a `Scan`'s per-step outputs no
 * one reads and per-step inputs its body does not read. A traced kernel emits everything it
 * computes (the fused LSTM step also returns its gate activations for the backward, unused when
 * sampling; a reverse loop is handed sequences its body may not need), and ONNX Runtime runs
 * every node it is given and slices or stacks every per-step value, in every loop iteration.
 */
export function pruneDead(graph: GraphProto): Set<string> {
  const live = new Set(graph.output.map((o) => o.name));
  const kept: NodeProto[] = [];
  for (let i = graph.node.length - 1; i >= 0; i--) {
    const n = graph.node[i];
    if (!n.output.some((o) => live.has(o))) continue;
    kept.push(n);
    if (n.op_type === 'Scan') trimScan(n, live);
    for (const x of n.input) if (x) live.add(x);
    for (const a of n.attribute ?? []) if (a.g) for (const x of pruneDead(a.g)) live.add(x);
  }
  graph.node.splice(0, graph.node.length, ...kept.reverse());
  // what the graph reads and does not make itself: its inputs from the enclosing graph
  const made = new Set<string>([
    ...graph.input.map((v) => v.name),
    ...graph.initializer.map((t) => t.name ?? ''),
  ]);
  for (const n of graph.node) for (const o of n.output) made.add(o);
  return new Set([...live].filter((x) => !made.has(x)));
}

/**
 * Drops a Scan's per-step outputs not in `live` and, after pruning its body, the per-step
 * inputs the body does not read (all but one: the loop's length comes from them). Loop-carried
 * state stays (its inputs and outputs pair up).
 */
function trimScan(n: NodeProto, live: Set<string>): void {
  const scan = scanParts(n);
  if (!scan) return;
  const { attrs, body, nState, numScan } = scan;
  for (let k = n.output.length - 1; k >= nState; k--) {
    if (live.has(n.output[k])) continue;
    n.output.splice(k, 1);
    body.output.splice(k, 1);
    dropAt(attrs, 'scan_output_directions', k - nState);
  }
  pruneDead(body);
  const read = reads(body);
  for (let m = body.input.length - 1; m >= nState; m--) {
    // the loop's length comes from its per-step inputs: one stays even if unread
    if (read.has(body.input[m].name) || numScan.i <= 1) continue;
    body.input.splice(m, 1);
    n.input.splice(m, 1);
    dropAt(attrs, 'scan_input_directions', m - nState);
    numScan.i--;
  }
}

/** Every name a graph's nodes read (nested bodies included). */
function reads(g: GraphProto): Set<string> {
  const out = new Set(g.output.map((o) => o.name));
  for (const n of g.node) {
    for (const x of n.input) out.add(x);
    for (const a of n.attribute ?? []) if (a.g) for (const x of reads(a.g)) out.add(x);
  }
  return out;
}

function dropAt(attrs: AttributeProto[], name: string, index: number): void {
  const a = attrs.find((x) => x.name === name);
  if (a?.ints && index < a.ints.length) a.ints.splice(index, 1);
}
