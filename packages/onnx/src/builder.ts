import { RnnkitError } from '@rnnkit/core';
import {
  type AttrValue,
  DataType,
  encodeModel,
  floatTensor,
  type GraphProto,
  int64Tensor,
  type ModelProto,
  makeAttribute,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto.js';

/** The ONNX operator set rnnkit writes (ONNX Runtime 1.14 and later run it). */
export const OPSET = 17;
/** The IR version written with it (what torch.onnx.export writes for opset 17). */
export const IR_VERSION = 8;

/** A dimension: a fixed size, or a name for a size chosen at run time ('batch', 'sequence'). */
export type Dim = number | string;

/**
 * A small ModelProto builder: declare inputs, outputs and initializers, add nodes (their output
 * names are generated unless given), then `model()` or `encode()`. Shared with
 * `@rnnkit/backend-onnx`, which builds its traced graphs with it.
 */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  readonly #used = new Set<string>();
  /** Per base name, the suffix to try next (keeps `fresh` O(1) in graphs of thousands of nodes). */
  readonly #next = new Map<string, number>();

  /**
   * `prefix` goes in front of every generated name: a loop body built with its own prefix never
   * reuses a name of the graph around it (ONNX subgraphs see the outer scope's names).
   */
  constructor(
    readonly name = 'rnnkit',
    readonly prefix = '',
  ) {}

  /** A name not used yet in this graph, made from `base`. */
  fresh(base: string): string {
    const stem = this.prefix + base;
    let name = stem;
    let i = this.#next.get(stem) ?? 1;
    if (this.#used.has(name)) {
      while (this.#used.has(`${stem}_${i}`)) i++;
      name = `${stem}_${i}`;
      i++;
    }
    this.#next.set(stem, i);
    this.#used.add(name);
    return name;
  }

  #claim(name: string): string {
    if (this.#used.has(name)) throw new RnnkitError(`GraphBuilder: name '${name}' is already used`);
    this.#used.add(name);
    return name;
  }

  input(name: string, elemType: number, shape: readonly Dim[]): string {
    this.inputs.push(valueInfo(this.#claim(name), elemType, shape));
    return name;
  }

  /**
   * Declares a graph output. `from` names the value it is: a node's output is renamed to `name`
   * (everywhere it is used); a graph input or initializer goes through an Identity node.
   */
  output(name: string, elemType: number, shape: readonly Dim[], from?: string): string {
    if (from !== undefined && from !== name) {
      const producer = this.nodes.find((n) => n.output.includes(from));
      if (producer && !this.outputs.some((o) => o.name === from)) {
        this.#claim(name);
        for (const n of this.nodes) {
          n.output = n.output.map((x) => (x === from ? name : x));
          n.input = n.input.map((x) => (x === from ? name : x));
        }
      } else this.node('Identity', [from], { outputs: [name] });
    }
    this.outputs.push(valueInfo(name, elemType, shape));
    return name;
  }

  /** A float32 initializer (a weight). */
  float(name: string, dims: readonly number[], data: Float32Array): string {
    this.initializers.push(floatTensor(this.#claim(name), dims, data));
    return name;
  }

  /** An int64 initializer (axes, shapes, indices), named `base` or `base_1`, `base_2`, …. */
  int64(base: string, data: readonly number[], dims: readonly number[] = [data.length]): string {
    const name = this.fresh(base);
    this.initializers.push(int64Tensor(name, dims, data));
    return name;
  }

  /**
   * Adds a node and returns its output names. `outputs` is a count (names generated from the node
   * name) or explicit names; attributes follow `makeAttribute`'s rules.
   */
  node(
    op: string,
    inputs: readonly string[],
    o: {
      name?: string;
      outputs?: number | readonly string[];
      attrs?: Record<string, AttrValue>;
    } = {},
  ): string[] {
    const name = this.fresh(o.name ?? op);
    const outs =
      typeof o.outputs === 'object'
        ? o.outputs.map((n) => this.#claim(n))
        : Array.from({ length: o.outputs ?? 1 }, (_, i) => this.fresh(`${name}_output_${i}`));
    // trailing optional inputs may be left out; inner ones are '' (absent)
    const ins = [...inputs];
    while (ins.length && ins[ins.length - 1] === '') ins.pop();
    this.nodes.push({
      name,
      op_type: op,
      input: ins,
      output: outs,
      attribute: Object.entries(o.attrs ?? {}).map(([k, v]) => makeAttribute(k, v)),
    });
    return outs;
  }

  /** Shorthand for single-output nodes. */
  op(
    op: string,
    inputs: readonly string[],
    attrs?: Record<string, AttrValue>,
    name?: string,
  ): string {
    return this.node(op, inputs, { attrs, name })[0];
  }

  graph(): GraphProto {
    return {
      name: this.name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    };
  }

  model(
    o: { producerVersion?: string; docString?: string; metadata?: Record<string, string> } = {},
  ): ModelProto {
    return {
      ir_version: IR_VERSION,
      opset_import: [{ domain: '', version: OPSET }],
      producer_name: 'rnnkit',
      producer_version: o.producerVersion ?? '0.1.0',
      doc_string: o.docString,
      graph: this.graph(),
      metadata_props: Object.entries(o.metadata ?? {}).map(([key, value]) => ({ key, value })),
    };
  }

  encode(o?: Parameters<GraphBuilder['model']>[0]): Uint8Array {
    return encodeModel(this.model(o));
  }
}

export function valueInfo(name: string, elemType: number, shape: readonly Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: {
          dim: shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })),
        },
      },
    },
  };
}

export { DataType };
