import { DataType, GraphAttr, GraphBuilder, type GraphProto } from '@rnnkit/onnx/format';
import { describe, expect, it } from 'vitest';
import { hasNestedGraph, scanParts } from '../graph/scan-node.js';
import { castIndicesAfterLoop } from './argmax-index.js';
import { shiftCarriesAfterLoop } from './carry-shift.js';
import { foldCompareOfDifference } from './compare-diff.js';
import { hoistLoopInvariants } from './hoist.js';
import { eachLoopLevel, LOOP_PASSES, PASSES, type Pass } from './index.js';
import { tanhGateBySigmoid } from './lstm-gates.js';
import { pruneDead } from './prune.js';
import { scaleBeforeGather } from './scale-gather.js';
import { transposedWeightInLoop } from './weight-layout.js';
import { dropZeroSequences } from './zero-seqs.js';

/**
 * A fused-steps shape: a loop whose body holds a loop, a dead node at each level, a per-step
 * product that reads no carried value (hoisted) and a compare of a difference with zero (folded).
 */
function nested(): GraphProto {
  const inner = new GraphBuilder('inner', 'i_');
  inner.input('i_h', DataType.FLOAT, [2]);
  inner.input('i_x', DataType.FLOAT, [2]);
  const px = inner.op('Mul', ['i_x', 'w']);
  const h = inner.op('Add', ['i_h', px]);
  inner.op('Exp', ['i_h']); // dead
  inner.output(h, DataType.FLOAT, [2]);
  inner.node('Identity', [h], { outputs: ['i_y'] });
  inner.output('i_y', DataType.FLOAT, [2]);

  const outer = new GraphBuilder('outer', 'o_');
  outer.input('o_c', DataType.FLOAT, [2]);
  outer.input('o_xs', DataType.FLOAT, [3, 2]);
  const [hT] = outer.node('Scan', ['o_c', 'o_xs'], {
    outputs: 2,
    attrs: { body: new GraphAttr(inner.graph()), num_scan_inputs: 1 },
  });
  outer.op('Neg', ['o_c']); // dead
  outer.output(hT, DataType.FLOAT, [2]);

  const g = new GraphBuilder('main');
  g.input('c0', DataType.FLOAT, [2]);
  g.input('xss', DataType.FLOAT, [4, 3, 2]);
  g.input('a', DataType.FLOAT, [2]);
  g.input('b', DataType.FLOAT, [2]);
  g.input('w', DataType.FLOAT, [2]);
  const [cT] = g.node('Scan', ['c0', 'xss'], {
    outputs: 1,
    attrs: { body: new GraphAttr(outer.graph()), num_scan_inputs: 1 },
  });
  const d = g.op('Sub', ['a', 'b']);
  const zero = g.float('zero', [], new Float32Array([0]));
  const mask = g.op('Greater', [d, zero]);
  g.op('Sqrt', ['a']); // dead
  g.output('c', DataType.FLOAT, [2], cT);
  g.output('mask', DataType.BOOL, [2], mask);
  return g.graph();
}

/** What buildModel did before the passes were a list, written out call by call. */
function before(graph: GraphProto): void {
  const loops = (g: GraphProto): void => {
    dropZeroSequences(g);
    tanhGateBySigmoid(g);
    shiftCarriesAfterLoop(g);
    hoistLoopInvariants(g);
    scaleBeforeGather(g);
    transposedWeightInLoop(g);
    castIndicesAfterLoop(g);
    for (const n of g.node) {
      const body = n.op_type === 'Scan' ? scanParts(n)?.body : undefined;
      if (body && hasNestedGraph(body)) loops(body);
    }
  };
  pruneDead(graph);
  foldCompareOfDifference(graph);
  loops(graph);
  pruneDead(graph);
}

describe('PASSES', () => {
  it('lists the passes in the order buildModel applies them', () => {
    expect(PASSES.map((p) => p.name)).toEqual(['prune', 'compare-diff', 'loops', 'prune']);
    expect(LOOP_PASSES.map((p) => p.name)).toEqual([
      'zero-seqs',
      'lstm-gates',
      'carry-shift',
      'hoist',
      'scale-gather',
      'weight-layout',
      'argmax-index',
    ]);
  });

  it('rewrites a graph exactly as the passes called one by one did', () => {
    const listed = nested();
    for (const p of PASSES) p.run(listed);
    const direct = nested();
    before(direct);
    expect(JSON.stringify(listed)).toEqual(JSON.stringify(direct));
    // the passes did something: the dead nodes are gone and the compare lost its Sub
    expect(listed.node.map((n) => n.op_type)).not.toContain('Sqrt');
    expect(listed.node.map((n) => n.op_type)).not.toContain('Sub');
  });

  it('runs every loop pass on one level of loops before the next level', () => {
    const seen: string[] = [];
    const record = (name: string): Pass => ({
      name,
      run: (g) => {
        seen.push(`${name}:${g.name}`);
      },
    });
    eachLoopLevel([record('a'), record('b')])(nested());
    // the inner body holds no loop, so the loop passes (which leave such loops to the level
    // above) are not run inside it
    expect(seen).toEqual(['a:main', 'b:main', 'a:outer', 'b:outer']);
  });
});
