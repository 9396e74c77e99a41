import { DataType, GraphAttr, GraphBuilder, type GraphProto } from '@rnnkit/onnx/format';
import { describe, expect, it } from 'vitest';
import { Session } from '../runtime/node/runtime.js';
import { charLstmStepGraph } from '../test-utils/char-lm-graph.js';
import { shiftCarriesAfterLoop } from './carry-shift.js';

const F = DataType.FLOAT;
const T = 6;
const W = 3;
const xs = Float32Array.from({ length: T * W }, (_, i) => Math.sin(i * 1.7));
const c0 = Float32Array.from([0.5, -0.25, 2]);

/**
 * A loop carrying c ← c·0.9 + x, with per-step outputs: the c entering the step (an Identity of
 * the carried input, as core's scan saves it), the c leaving it (an Identity of the carry) and,
 * with `third`, another value. `reverse` runs the loop backwards with reverse-stacked outputs.
 */
function graph(reverse: boolean, leaving: boolean) {
  const g = new GraphBuilder('main');
  g.input('x', F, [T, W]);
  g.input('c0', F, [W]);
  g.float('k', [1], Float32Array.from([0.9]));
  const b = new GraphBuilder('body', 'b_');
  b.input('b_c', F, [W]);
  b.input('b_x', F, [W]);
  const next = b.op('Add', [b.op('Mul', ['b_c', 'k']), 'b_x']);
  b.output('b_next', F, [W], next);
  b.output('b_entered', F, [W], 'b_c');
  if (leaving) b.node('Identity', ['b_next'], { outputs: ['b_left'] });
  b.output(leaving ? 'b_left' : 'b_other', F, [W], leaving ? undefined : b.op('Neg', ['b_x']));
  const attrs: Record<string, GraphAttr | number | number[]> = {
    body: new GraphAttr(b.graph()),
    num_scan_inputs: 1,
  };
  if (reverse) {
    attrs.scan_input_directions = [1];
    attrs.scan_output_directions = [1, 1];
  }
  const [last, entered, third] = g.node('Scan', ['c0', 'x'], { outputs: 3, attrs });
  g.output('last', F, [W], last);
  g.output('entered', F, [T, W], entered);
  g.output('third', F, [T, W], third);
  return g;
}

function bodyOf(gp: GraphProto): GraphProto {
  return gp.node.find((n) => n.op_type === 'Scan')!.attribute!.find((a) => a.name === 'body')!.g!;
}

function run(reverse: boolean, leaving: boolean, rewrite: boolean) {
  const g = graph(reverse, leaving);
  const gp = g.graph();
  if (rewrite) shiftCarriesAfterLoop(gp);
  const s = new Session(g.encode(), ['x', 'c0'], ['last', 'entered', 'third'], {
    threads: 1,
    providers: ['cpu'],
  });
  try {
    const outs = s.run([
      { data: xs, shape: [T, W] },
      { data: c0, shape: [W] },
    ]);
    return {
      values: outs.map((o) => Array.from(o.data)),
      bodyOps: bodyOf(gp).node.map((n) => n.op_type),
      ops: gp.node.map((n) => n.op_type),
    };
  } finally {
    s.dispose();
  }
}

describe('shiftCarriesAfterLoop', () => {
  for (const reverse of [false, true]) {
    it(`takes the carries entering the steps from the stacked carries leaving them${reverse ? ' (reverse loop)' : ''}: the same values, one Identity fewer a step`, () => {
      const before = run(reverse, true, false);
      const after = run(reverse, true, true);
      expect(before.bodyOps.filter((o) => o === 'Identity')).toHaveLength(2);
      expect(after.bodyOps.filter((o) => o === 'Identity')).toHaveLength(1);
      expect(after.ops).toEqual(['Scan', 'Unsqueeze', 'Slice', 'Concat']);
      expect(after.values).toEqual(before.values);
      // the entered carries are the initial c, then each step's result
      const entered = before.values[1];
      expect(entered.slice(reverse ? (T - 1) * W : 0, (reverse ? T : 1) * W)).toEqual(
        Array.from(c0),
      );
    });
  }

  it('leaves the copy when the carry leaving the steps is not stacked', () => {
    const before = run(false, false, false);
    const after = run(false, false, true);
    expect(after.bodyOps).toEqual(before.bodyOps);
    expect(after.ops).toEqual(['Scan']);
    expect(after.values).toEqual(before.values);
  });
});

describe("the char LSTM's training step", () => {
  // The rule this guards: a forward loop step copies out only what it cannot be rebuilt from
  // after the loop. Its body reads the carried h and c; the carried c entering a step is the c
  // leaving the step before, so no step copies its carried input.
  it('has a forward loop step of 12 nodes, none a copy of a carried input', () => {
    const graph = charLstmStepGraph('onnx-carry-shift', 2, 5);
    const forward = graph.node.find(
      (n) => n.op_type === 'Scan' && !n.attribute?.some((a) => a.name === 'scan_input_directions'),
    )!;
    const body = forward.attribute!.find((a) => a.name === 'body')!.g!;
    const carried = new Set(body.input.slice(0, 2).map((v) => v.name));
    const copies = body.node.filter((n) => n.op_type === 'Identity');
    expect(copies.filter((n) => carried.has(n.input[0]))).toEqual([]);
    // the two left: h and c, each both carried and stacked (for the head and the backward)
    expect(copies).toHaveLength(2);
    expect(body.node).toHaveLength(12); // 13 when each step copied out the c it started from
  });
});
