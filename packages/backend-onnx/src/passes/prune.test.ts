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
    const scan = graph.node[2];
    const b = scan.attribute!.find((a) => a.name === 'body')!.g!;
    // the per-step output nobody reads is gone, and with it the Identity making it
    expect(b.node.map((n) => n.op_type)).toEqual(['Add']);
    expect(scan.output).toHaveLength(1);
    expect(b.output.map((o) => o.name)).toEqual([sum]);
    // b_x is read by nothing now, but the loop's only per-step input stays (it sets the length)
    expect(scan.input).toEqual(['c0', 'xs']);
    expect([...outer]).toEqual([]);
  });

  it('drops per-step inputs a Scan body does not read, keeping the others', () => {
    const body = new GraphBuilder('body', 'b_');
    body.input('b_c', DataType.FLOAT, [2]);
    body.input('b_x', DataType.FLOAT, [2]);
    body.input('b_z', DataType.FLOAT, [2]);
    const s = body.op('Add', ['b_c', 'b_z']);
    body.output(s, DataType.FLOAT, [2]);
    const g = new GraphBuilder('main');
    g.input('c0', DataType.FLOAT, [2]);
    g.input('xs', DataType.FLOAT, [3, 2]);
    g.input('zs', DataType.FLOAT, [3, 2]);
    const [cT] = g.node('Scan', ['c0', 'xs', 'zs'], {
      outputs: 1,
      attrs: {
        body: new GraphAttr(body.graph()),
        num_scan_inputs: 2,
        scan_input_directions: [1, 1],
      },
    });
    g.output('out', DataType.FLOAT, [2], cT);
    const graph = g.graph();
    pruneDead(graph);
    const scan = graph.node[0];
    const attr = (n: string) => scan.attribute!.find((a) => a.name === n)!;
    expect(scan.input).toEqual(['c0', 'zs']);
    expect(attr('num_scan_inputs').i).toBe(1);
    expect(attr('scan_input_directions').ints).toEqual([1]);
    expect(attr('body').g!.input.map((i) => i.name)).toEqual(['b_c', 'b_z']);
  });
});
