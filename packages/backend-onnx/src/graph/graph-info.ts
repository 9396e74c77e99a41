import type { GraphProto, NodeProto } from '@rnnkit/onnx/format';

/**
 * An integer attribute of `n` (a Gemm's transB, a Split's or Gather's axis, a Cast's `to`), 0
 * where it is not set: the ONNX default of transA, transB and axis.
 */
export function intAttr(n: NodeProto, name: string): number {
  return Number(n.attribute?.find((a) => a.name === name)?.i ?? 0);
}

/** The dimensions of each input of `graph` whose shape is fully known (a loop body's carried and per-step values included). */
export function knownInputDims(graph: GraphProto): Map<string, number[]> {
  const known = new Map<string, number[]>();
  for (const v of graph.input) {
    const dims = v.type?.tensor_type?.shape?.dim;
    if (dims?.every((d) => d.dim_value !== undefined)) {
      known.set(
        v.name,
        dims.map((d) => Number(d.dim_value)),
      );
    }
  }
  return known;
}

/** knownInputDims with the dimensions of `graph`'s initializers (constants) added. */
export function knownDims(graph: GraphProto): Map<string, number[]> {
  const known = knownInputDims(graph);
  for (const t of graph.initializer ?? []) known.set(t.name ?? '', (t.dims ?? []).map(Number));
  return known;
}
