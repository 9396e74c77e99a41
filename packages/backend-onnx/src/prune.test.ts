import { DataType, GraphAttr, GraphBuilder } from '@rnnkit/onnx/format';
import { describe, expect, it } from 'vitest';
import { pruneDead } from './prune.js';

describe('pruneDead', () => {
  it('drops unused nodes in a graph and its loop body, keeping what the body reads from outside', () => {
    const body = new GraphBuilder('body', 'b_');
    body.input('b_c', DataType.FLOAT, [2]);
    body.input('b_x', DataType.FLOAT, [2]);
    const sum = body.op('Add', ['b_c', 'w']); // reads w from the enclosing graph
    body.op('Concat', ['b_c', 'b_x'], { axis: 0 }); // nothing uses it
    body.output(sum, DataType.FLOAT, [2]);
    body.node('Identity', [sum], { outputs: ['b_y'] });
    body.output('b_y', DataType.FLOAT, [2]);

    const g = new GraphBuilder('main');
    g.input('c0', DataType.FLOAT, [2]);
    g.input('xs', DataType.FLOAT, [3, 2]);
    g.input('v', DataType.FLOAT, [2]);
    const w = g.op('Neg', ['v']);
    g.node('Identity', [w], { outputs: ['w'] });
    g.op('Exp', ['v']); // dead
    const [cT] = g.node('Scan', ['c0', 'xs'], {
      outputs: 2,
      attrs: { body: new GraphAttr(body.graph()), num_scan_inputs: 1 },
    });
    g.output('out', DataType.FLOAT, [2], cT);
    const graph = g.graph();
    const outer = pruneDead(graph);
    expect(graph.node.map((n) => n.op_type)).toEqual(['Neg', 'Identity', 'Scan']);
    const b = graph.node[2].attribute!.find((a) => a.name === 'body')!.g!;
    expect(b.node.map((n) => n.op_type)).toEqual(['Add', 'Identity']);
    expect([...outer]).toEqual([]);
  });
});
