import { DataType, GraphBuilder, type NodeProto } from '@rnnkit/onnx/format';
import { describe, expect, it } from 'vitest';
import { Session } from '../runtime/node/runtime.js';
import { charLstmStepGraph } from '../test-utils/char-lm-graph.js';
import { scaleBeforeGather } from './scale-gather.js';

const F = DataType.FLOAT;
const V = 5;
const E = 3;
const N = 4;
const emb = Float32Array.from({ length: V * E }, (_, i) => Math.sin(i * 1.3) * 3);
const w = Float32Array.from({ length: N * E }, (_, i) => Math.cos(i * 0.7));
const idx = Int32Array.from([4, 0, 2, 2, 1, 4]);

/**
 * Mul(Reshape(Gather(Gemm(emb, w, transB), idx)), s), the shape of lstm-gates' hoisted doubling:
 * `reshapeTo` is the Reshape's target ([2, 3, N] keeps the last axis; [2, 3 * N / 2, 2] does not),
 * `scale` the constant factors (length N, or 2 for the second target).
 */
function graph(reshapeTo: number[], scale: number[]) {
  const g = new GraphBuilder('main');
  g.input('emb', F, [V, E]);
  g.input('w', F, [N, E]);
  g.input('idx', DataType.INT32, [6]);
  const table = g.op('Gemm', ['emb', 'w'], { transB: 1 });
  const rows = g.op('Gather', [table, 'idx'], { axis: 0 });
  const shaped = g.op('Reshape', [rows, g.int64('to', reshapeTo)]);
  const s = g.float('s', [scale.length], Float32Array.from(scale));
  g.output('y', F, reshapeTo, g.op('Mul', [shaped, s]));
  return g;
}

function run(reshapeTo: number[], scale: number[], rewrite: boolean) {
  const g = graph(reshapeTo, scale);
  const gp = g.graph();
  if (rewrite) scaleBeforeGather(gp);
  const s = new Session(g.encode(), ['emb', 'w', 'idx'], ['y'], { threads: 1, providers: ['cpu'] });
  try {
    const [y] = s.run([
      { data: emb, shape: [V, E] },
      { data: w, shape: [N, E] },
      { data: idx, shape: [6] },
    ]);
    return { y: Array.from(y.data), nodes: gp.node };
  } finally {
    s.dispose();
  }
}

const madeBy = (nodes: NodeProto[], name: string) => nodes.find((n) => n.output.includes(name));

describe('scaleBeforeGather', () => {
  it('scales the table before the gather: the same values bit for bit', () => {
    const before = run([2, 3, N], [1, 1, 2, 1], false);
    const after = run([2, 3, N], [1, 1, 2, 1], true);
    expect(after.y).toEqual(before.y);
    const mul = after.nodes.find((n) => n.op_type === 'Mul')!;
    expect(madeBy(after.nodes, mul.input[0])?.op_type).toBe('Gemm');
    // the gathered rows are the scaled table's; the output keeps its name
    const gather = after.nodes.find((n) => n.op_type === 'Gather' && n.input[0] === mul.output[0]);
    expect(gather).toBeDefined();
    expect(madeBy(after.nodes, 'y')?.op_type).toBe('Reshape');
    // the doubled column is doubled: the test has teeth
    expect(after.y[2]).not.toBe(0);
    expect(after.y).not.toEqual(run([2, 3, N], [1, 1, 1, 1], false).y);
  });

  it('leaves a Reshape that splits the last axis alone', () => {
    const before = run([2, (3 * N) / 2, 2], [1, 2], false);
    const after = run([2, (3 * N) / 2, 2], [1, 2], true);
    expect(after.y).toEqual(before.y);
    const mul = after.nodes.find((n) => n.op_type === 'Mul')!;
    expect(madeBy(after.nodes, mul.input[0])?.op_type).toBe('Reshape');
  });
});

describe("the char LSTM's training step", () => {
  // The rule this guards: the cell gate's doubling (lstm-gates) scales the [V, 4H] projected
  // embedding table, not the [T, B, 4H] input term gathered from it.
  it('doubles the cell gate in the projected table, before the gather', () => {
    // 15 tokens, more than the 11 rows of the table: the embedding is folded into the projection
    const graph = charLstmStepGraph('onnx-scale-gather', 3, 5);
    const doubling = graph.node.filter(
      (n) => n.op_type === 'Mul' && n.input.some((i) => i.endsWith('.s')),
    );
    expect(doubling).toHaveLength(1);
    expect(madeBy(graph.node, doubling[0].input[0])?.op_type).toBe('Gemm');
  });
});
