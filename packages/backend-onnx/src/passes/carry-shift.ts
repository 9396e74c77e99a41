import {
  type AttributeProto,
  type GraphProto,
  int64Tensor,
  makeAttribute,
  type NodeProto,
} from '@rnnkit/onnx/format';
import { hasNestedGraph, insertAtEachScan, scanParts } from '../graph/scan-node.js';

/**
 * Takes the carries entering a loop's steps from the carries leaving them, after the loop, instead
 * of copying them out on every step. A backward loop reads the state each forward step started
 * from; core's scan saves it as a per-step output of the forward body, which in ONNX is an
 * `Identity` of the body's carried input (a graph's output list names values its nodes make). When
 * the carry leaving a step is also stacked (an LSTM's c, saved for the backward's tanh(c)), the
 * carries entering are that stack shifted by one step with the initial carry in front (at the end
 * for a reverse-stacked output): one Slice and one Concat on whole sequences after the loop in
 * place of an `Identity` in every step, with the same values. The char LSTM's forward step loses
 * its copy of the previous c (13 nodes to 12).
 */
export function shiftCarriesAfterLoop(graph: GraphProto): void {
  insertAtEachScan(graph, 'after', (scan) => rewrite(scan, graph));
}

/** Rewrites `scan`'s body; returns the nodes that rebuild the dropped outputs after the loop. */
function rewrite(scan: NodeProto, graph: GraphProto): NodeProto[] {
  const parts = scanParts(scan);
  // a nested loop could read the dropped Identity's result by name
  if (!parts || hasNestedGraph(parts.body)) return [];
  const { attrs, body, nState } = parts;
  const made = new Map<string, NodeProto>();
  for (const n of body.node) for (const o of n.output) made.set(o, n);
  const identityOf = (name: string): string | undefined => {
    const n = made.get(name);
    return n?.op_type === 'Identity' ? n.input[0] : undefined;
  };
  const directions = attrs.find((a) => a.name === 'scan_output_directions')?.ints ?? [];
  const direction = (k: number): number => directions[k - nState] ?? 0;
  const after: NodeProto[] = [];
  const drop: number[] = [];
  for (let j = nState; j < body.output.length; j++) {
    const entering = identityOf(body.output[j].name);
    const i = body.input.findIndex((v, m) => m < nState && v.name === entering);
    if (i < 0 || scan.output[j] === '') continue;
    // the carry leaving each step, stacked in the same direction
    const k = body.output.findIndex(
      (o, m) =>
        m >= nState &&
        identityOf(o.name) === body.output[i].name &&
        direction(m) === direction(j) &&
        scan.output[m] !== '',
    );
    if (k < 0) continue;
    after.push(...shifted(graph, scan.input[i], scan.output[k], scan.output[j], direction(j)));
    drop.push(j);
  }
  for (const j of drop.reverse()) {
    scan.output.splice(j, 1);
    body.output.splice(j, 1);
    dropAt(attrs, 'scan_output_directions', j - nState);
  }
  if (drop.length) {
    // Identities whose results nothing reads any more
    const read = new Set([...body.output.map((o) => o.name), ...body.node.flatMap((n) => n.input)]);
    const kept = body.node.filter((n) => n.op_type !== 'Identity' || read.has(n.output[0]));
    body.node.splice(0, body.node.length, ...kept);
  }
  return after;
}

/**
 * `out` = the stack `leaving` moved one step along time, `init` taking the free place: in front for
 * a forward-stacked output, at the end for a reverse-stacked one (there the first step's value is
 * the last entry).
 */
function shifted(
  graph: GraphProto,
  init: string,
  leaving: string,
  out: string,
  direction: number,
): NodeProto[] {
  const c = (suffix: string, values: number[]): string => {
    const name = `${out}/shift.${suffix}`;
    graph.initializer.push(int64Tensor(name, [values.length], values));
    return name;
  };
  const reverse = direction === 1;
  // all but the last step's value (forward), or all but the first (reverse)
  const start = c('start', [reverse ? 1 : 0]);
  const end = c('end', [reverse ? Number.MAX_SAFE_INTEGER : -1]);
  const first = `${out}/shift.init`;
  const rest = `${out}/shift.rest`;
  return [
    node('Unsqueeze', [init, c('axes', [0])], first),
    node('Slice', [leaving, start, end, c('axes0', [0])], rest),
    node('Concat', reverse ? [rest, first] : [first, rest], out, [makeAttribute('axis', 0)]),
  ];
}

function node(op: string, input: string[], output: string, attribute: AttributeProto[] = []) {
  return { name: `${output}/${op}`, op_type: op, input, output: [output], attribute };
}

function dropAt(attrs: AttributeProto[], name: string, index: number): void {
  const a = attrs.find((x) => x.name === name);
  if (a?.ints && index < a.ints.length) a.ints.splice(index, 1);
}
