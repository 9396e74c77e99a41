import {
  type GraphProto,
  type NodeProto,
  readTensor,
  type TensorProto,
  type ValueInfoProto,
} from '@rnnkit/onnx/format';
import { hasNestedGraph, scanParts } from '../graph/scan-node.js';

/**
 * Drops additions of all-zero sequences inside `Scan` bodies. Backpropagation through a loop
 * whose per-step outputs the loss does not read (a forecaster reads only the last hidden state)
 * feeds the backward loop a zero gradient for every step, made by ConstantOfShape; its body then
 * adds that zero to the carried gradient on every step. Here such an `Add` reads the other
 * operand instead when both have one declared shape (so no broadcasting is lost), and the zero
 * sequence, no longer read, is pruned afterwards with the ConstantOfShape making it.
 */
export function dropZeroSequences(graph: GraphProto): void {
  const zeros = new Set<string>();
  for (const n of graph.node) {
    if (
      n.op_type === 'ConstantOfShape' &&
      isZero(n.attribute?.find((a) => a.name === 'value')?.t)
    ) {
      zeros.add(n.output[0]);
    } else if (n.op_type === 'Identity' && zeros.has(n.input[0])) zeros.add(n.output[0]);
    else if (n.op_type === 'Scan') dropIn(n, zeros);
  }
}

function dropIn(scan: NodeProto, zeros: Set<string>): void {
  const parts = scanParts(scan);
  // a nested loop could read a dropped Add's result by name
  if (!parts || hasNestedGraph(parts.body)) return;
  const { body, nState } = parts;
  const zero = new Set<string>();
  for (let k = nState; k < body.input.length; k++) {
    if (zeros.has(scan.input[k])) zero.add(body.input[k].name);
  }
  if (zero.size === 0) return;
  const shapes = new Map(body.input.map((v) => [v.name, shapeOf(v)]));
  const outputs = new Set(body.output.map((o) => o.name));
  const renamed = new Map<string, string>();
  const kept: NodeProto[] = [];
  for (const n of body.node) {
    n.input = n.input.map((x) => renamed.get(x) ?? x);
    const other = n.op_type === 'Add' && n.input.length === 2 ? otherOf(n.input, zero) : undefined;
    if (other === undefined || outputs.has(n.output[0])) {
      kept.push(n);
      continue;
    }
    const [a, b] = [shapes.get(other), shapes.get(n.input[0] === other ? n.input[1] : n.input[0])];
    if (a === undefined || b === undefined || a !== b) {
      kept.push(n);
      continue;
    }
    renamed.set(n.output[0], other);
    shapes.set(n.output[0], a);
  }
  body.node.splice(0, body.node.length, ...kept);
}

/** The operand of a two-input node that is not a zero sequence, when the other one is. */
function otherOf(ins: readonly string[], zero: Set<string>): string | undefined {
  if (zero.has(ins[1]) && !zero.has(ins[0])) return ins[0];
  if (zero.has(ins[0]) && !zero.has(ins[1])) return ins[1];
  return undefined;
}

/** A declared shape as text; undefined without one, or with a symbolic dimension. */
function shapeOf(v: ValueInfoProto): string | undefined {
  const dims = v.type?.tensor_type?.shape?.dim;
  if (!dims || dims.some((d) => d.dim_value === undefined)) return undefined;
  return dims.map((d) => d.dim_value).join(',');
}

/** ConstantOfShape's value: absent means 0 (−0 adds as 0 does); a type readTensor lacks is not known zero. */
function isZero(t: TensorProto | undefined): boolean {
  if (!t) return true;
  try {
    for (const x of readTensor(t).data) if (x !== 0) return false;
    return true;
  } catch {
    return false;
  }
}
