import type { GraphProto, NodeProto } from '@rnnkit/onnx/format';

/**
 * Removes the nodes whose results nothing uses, in `graph` and in its loop bodies, and returns
 * the names the graph reads from outside itself. A traced kernel emits everything it computes
 * (the fused LSTM step also returns its gate activations for the backward, unused when sampling),
 * and ONNX Runtime runs every node it is given, in every loop iteration.
 */
export function pruneDead(graph: GraphProto): Set<string> {
  const live = new Set(graph.output.map((o) => o.name));
  const kept: NodeProto[] = [];
  for (let i = graph.node.length - 1; i >= 0; i--) {
    const n = graph.node[i];
    if (!n.output.some((o) => live.has(o))) continue;
    kept.push(n);
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
