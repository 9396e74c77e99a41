import type { AttributeProto, GraphProto, NodeProto } from '@rnnkit/onnx/format';

/** What the graph passes read of a `Scan` node. */
export interface ScanParts {
  readonly attrs: AttributeProto[];
  readonly body: GraphProto;
  /** The `num_scan_inputs` attribute itself: a pass that adds or drops per-step inputs updates it. */
  readonly numScan: AttributeProto & { i: number };
  /** Carried values: the body's inputs (and outputs) before the per-step ones. */
  readonly nState: number;
}

/** A Scan node's body, its per-step input count and how many values it carries; undefined if malformed. */
export function scanParts(n: NodeProto): ScanParts | undefined {
  const attrs = n.attribute ?? [];
  const body = attrs.find((a) => a.name === 'body')?.g;
  const numScan = attrs.find((a) => a.name === 'num_scan_inputs');
  if (!body || numScan?.i === undefined) return undefined;
  return {
    attrs,
    body,
    numScan: numScan as AttributeProto & { i: number },
    nState: body.input.length - numScan.i,
  };
}

/** Whether a graph holds nested graphs (a loop inside a loop body), which read outer values by name. */
export function hasNestedGraph(g: GraphProto): boolean {
  return g.node.some((n) => n.attribute?.some((a) => a.g));
}

/**
 * Calls `rewrite` on every top-level `Scan` node of `graph`, in order, and puts the nodes it
 * returns right before that node (work moved or added before the loop) or right after it.
 */
export function insertAtEachScan(
  graph: GraphProto,
  place: 'before' | 'after',
  rewrite: (scan: NodeProto) => NodeProto[],
): void {
  for (let i = 0; i < graph.node.length; i++) {
    const scan = graph.node[i];
    if (scan.op_type !== 'Scan') continue;
    const added = rewrite(scan);
    graph.node.splice(place === 'before' ? i : i + 1, 0, ...added);
    i += added.length;
  }
}
