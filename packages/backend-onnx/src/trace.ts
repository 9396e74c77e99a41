import type { KernelTensor, LoopSpec } from '@rnnkit/core';
import {
  DataType,
  GraphAttr,
  GraphBuilder,
  makeAttribute,
  type NodeProto,
  type ValueInfoProto,
  valueInfo,
} from '@rnnkit/onnx/format';
import type { KernelSink } from './backend.js';
import { onnxType } from './eager.js';
import { type Emit, emitter, type KernelCall } from './emit.js';
import type { GraphCache } from './graph-cache.js';
import { pruneDead } from './prune.js';
import { OnnxStorage } from './storage.js';

type KT = KernelTensor<OnnxStorage>;

/** One graph being built: the traced function's, or a loop body inside it. */
interface Frame {
  readonly g: GraphBuilder;
  readonly e: Emit;
  readonly parent: Frame | null;
  /** Values produced in this graph, in order. */
  readonly syms: OnnxStorage[];
  /** A forward loop's body: each kernel call's results, in order, for replay. */
  readonly calls?: { key: string; outs: OnnxStorage[] }[];
  /** A loop body: sequences added as scan inputs while it was traced (replayed values), by outer name. */
  readonly extraSeqs: string[];
}

/** A lowered forward loop whose per-step values a backward loop may read. */
interface Loop {
  readonly body: Frame;
  readonly node: NodeProto;
  readonly outer: Frame;
  readonly reverse: boolean;
  /** Forward body values already leaving the loop as stacked outputs → those outputs. */
  readonly exported: Map<OnnxStorage, OnnxStorage>;
}

/** A replay in progress: kernel calls in `frame` take their results from `loop`. */
interface Replay {
  readonly loop: Loop;
  readonly frame: Frame;
  index: number;
}

/** What a replayed value stands for until it is read. */
interface Residual {
  readonly loop: Loop;
  readonly value: OnnxStorage;
}

/**
 * Records the kernels a compiled function calls as one ONNX graph. Host tensors it reads become
 * graph inputs, float scalars (learning rates, bias corrections) become scalar inputs, and the
 * values still held by a tensor when the function returns become outputs, which are written
 * into those tensors' storages after the run. Scans become ONNX `Scan` nodes whose bodies are
 * traced the same way. A signature of the calls identifies the graph, so a training step traced
 * again on the next batch reuses the session built for the first.
 *
 * Reading a value back while tracing (a loss printed mid-step, gradient clipping by a norm read
 * on the host) runs the graph so far, and tracing goes on from its results: the function becomes
 * several graphs, each cached the same way.
 */
export class Trace implements KernelSink {
  #root!: Frame;
  #top!: Frame;
  #inputs!: Map<OnnxStorage, string>;
  #inputList!: OnnxStorage[];
  #scalars!: number[];
  #sig!: string[];
  #bodies = 0;
  #loops!: Map<object, Loop>;
  #replay: Replay | null = null;

  constructor(private readonly cache: GraphCache) {
    this.#reset();
  }

  #reset(): void {
    const g = new GraphBuilder('rnnkit_compiled');
    this.#root = { g, e: emitter(g), parent: null, syms: [], extraSeqs: [] };
    this.#loops = new Map();
    this.#top = this.#root;
    this.#inputs = new Map();
    this.#inputList = [];
    this.#scalars = [];
    this.#sig = [];
  }

  emit(call: KernelCall, ins: readonly KT[]): OnnxStorage[] {
    const f = this.#top;
    const rp = this.#replay;
    if (rp && rp.frame === f) {
      const rec = rp.loop.body.calls![rp.index++];
      if (!rec || rec.key !== call.key) {
        throw new Error(
          `compile: replaying a scan step, it called ${call.key} where the forward step called ${rec?.key ?? 'nothing'}; a step must call the same kernels every time it runs`,
        );
      }
      // constants are made again; everything else is the forward step's value at this step
      if (!call.key.startsWith('fill|')) {
        return rec.outs.map((value) => {
          const s = new OnnxStorage(null, [], value.dtype, { graph: f, name: '' });
          s.residual = { loop: rp.loop, value } satisfies Residual;
          return s;
        });
      }
    }
    const vals = ins.map((x) => ({
      name: this.#ref(x.storage, f),
      shape: x.shape,
      dtype: x.dtype,
    }));
    const sc = call.scalars.map((v) => this.#scalar(v));
    const outs = call.lower(f.e, vals, sc);
    this.#sig.push(`${call.key}(${vals.map((v) => v.name).join(',')}|${sc.length})`);
    const made = outs.map((name, i) => this.#sym(f, name, call.outDtypes[i]));
    f.calls?.push({ key: call.key, outs: made });
    return made;
  }

  #sym(f: Frame, name: string, dtype: 'float32' | 'int32'): OnnxStorage {
    const s = new OnnxStorage(null, [], dtype, { graph: f, name });
    f.syms.push(s);
    return s;
  }

  /** The name of a kernel input in frame `f`: a value of `f` or an enclosing graph, or a new input. */
  #ref(s: OnnxStorage, f: Frame): string {
    if (s.sym?.name === '') this.#readReplayed(s);
    if (s.sym) {
      for (let p: Frame | null = f; p; p = p.parent) if (p === s.sym.graph) return s.sym.name;
      throw new Error(
        'compile: a tensor computed inside a scan step was used outside it; return it from the step as an output instead',
      );
    }
    let name = this.#inputs.get(s);
    if (name === undefined) {
      name = this.#root.g.input(`in${this.#inputList.length}`, onnxType(s.dtype), s.shape);
      this.#inputs.set(s, name);
      this.#inputList.push(s);
      this.#sig.push(`${name}:${s.dtype}[${s.shape.join(',')}]`);
    }
    return name;
  }

  #scalar(v: number): string {
    const name = this.#root.g.input(`s${this.#scalars.length}`, DataType.FLOAT, []);
    this.#scalars.push(v);
    return name;
  }

  /**
   * Runs `fn` with the kernel calls it makes in the current loop body answered by the forward
   * loop `key`'s values (see core's Backend.replayScan). Without that loop in this graph (it ran
   * in an earlier graph of this trace) `fn` computes them again.
   */
  replay<T>(key: object, fn: () => T): T {
    const loop = this.#loops.get(key);
    if (!loop || this.#top === this.#root) return fn();
    const saved = this.#replay;
    this.#replay = { loop, frame: this.#top, index: 0 };
    try {
      return fn();
    } finally {
      this.#replay = saved;
    }
  }

  /**
   * A replayed value is read: the forward body hands it out as one more stacked scan output,
   * and the body reading it gets it as one more scan input (each step sees its own step's value).
   */
  #readReplayed(s: OnnxStorage): void {
    const { loop, value } = s.residual as Residual;
    let seq = loop.exported.get(value);
    if (!seq) {
      const fb = loop.body.g;
      let name = value.sym!.name;
      if (fb.outputs.some((o) => o.name === name)) {
        name = fb.node('Identity', [name], { name: 'saved' })[0];
      }
      fb.outputs.push(untyped(name, value.dtype));
      const outName = loop.outer.g.fresh('saved_seq');
      loop.node.output.push(outName);
      if (loop.reverse) ints(loop.node, 'scan_output_directions').push(1);
      seq = new OnnxStorage(null, [], value.dtype, { graph: loop.outer, name: outName });
      loop.exported.set(value, seq);
      this.#sig.push(`saved(${name})`);
    }
    const frame = s.sym!.graph as Frame;
    const inName = frame.g.fresh('replayed');
    frame.g.inputs.push(untyped(inName, value.dtype));
    frame.extraSeqs.push(seq.sym!.name);
    s.sym!.name = inName;
    this.#sig.push(`replayed(${inName})`);
  }

  /** Lowers a core `scan` to an ONNX Scan node (see core's LoopSpec). */
  scan(spec: LoopSpec<OnnxStorage>): OnnxStorage[] {
    const outer = this.#top;
    const init = spec.init.map((x) => this.#ref(x.storage, outer));
    const seqs = spec.xs.map((x) => this.#ref(x.storage, outer));
    const p = `b${this.#bodies++}_`;
    const g = new GraphBuilder('body', p);
    const f: Frame = {
      g,
      e: emitter(g),
      parent: outer,
      syms: [],
      extraSeqs: [],
      ...(spec.key ? { calls: [] } : {}),
    };
    const place = (x: KT, i: number, kind: string, stepShape: readonly number[]) =>
      this.#sym(f, g.input(`${p}${kind}${i}`, onnxType(x.dtype), stepShape), x.dtype);
    const cs = spec.init.map((x, i) => place(x, i, 'c', x.shape));
    const xs = spec.xs.map((x, i) => place(x, i, 'x', x.shape.slice(1)));
    this.#sig.push(`scan{${spec.reverse ? 'r' : ''}`);
    this.#top = f;
    let outs: readonly KT[];
    try {
      outs = spec.body(cs, xs);
    } finally {
      this.#top = outer;
    }
    // A value computed in the body is its output as is; a carry passed through, a value from
    // outside or one already listed goes through an Identity (names in a graph's output list are
    // unique and made in the graph).
    const listed = new Set<string>();
    const produced = new Set(f.syms.slice(cs.length + xs.length).map((x) => x.sym!.name));
    outs.forEach((o, i) => {
      let name = this.#ref(o.storage, f);
      if (!produced.has(name) || listed.has(name)) {
        const id = `${p}o${i}`;
        g.node('Identity', [name], { outputs: [id] });
        name = id;
      }
      listed.add(name);
      g.outputs.push(valueInfo(name, onnxType(o.dtype), o.shape));
    });
    const nC = spec.init.length;
    const nY = outs.length - nC;
    // sequences of replayed forward values, read while the body was traced
    const allSeqs = [...seqs, ...f.extraSeqs];
    const attrs: Record<string, GraphAttr | number | number[]> = {
      body: new GraphAttr(g.graph()),
      num_scan_inputs: allSeqs.length,
    };
    if (spec.reverse) {
      attrs.scan_input_directions = Array(allSeqs.length).fill(1);
      // always present on a reverse loop: a backward loop may add outputs to it later
      attrs.scan_output_directions = Array(nY).fill(1);
    }
    const names = outer.g.node('Scan', [...init, ...allSeqs], { outputs: outs.length, attrs });
    this.#sig.push(`}${outs.map((o) => o.dtype[0]).join('')}`);
    if (spec.key) {
      const node = outer.g.nodes[outer.g.nodes.length - 1];
      this.#loops.set(spec.key, {
        body: f,
        node,
        outer,
        reverse: spec.reverse,
        exported: new Map(),
      });
    }
    return names.map((n, i) => this.#sym(outer, n, outs[i].dtype));
  }

  /** Runs what was traced and writes every value still held by a tensor into its storage. */
  finish(): void {
    const live = this.#root.syms.filter((s) => !s.disposed);
    if (live.length === 0) {
      this.#reset();
      return;
    }
    const g = this.#root.g;
    const outNames = live.map((s) => s.sym!.name);
    const sig = `${this.#sig.join(';')}=>${outNames.join(',')}`;
    const session = this.cache.get(sig, () => {
      const names = live.map((s) => {
        g.outputs.push(valueInfo(s.sym!.name, onnxType(s.dtype), []));
        delete g.outputs[g.outputs.length - 1].type?.tensor_type?.shape;
        return s.sym!.name;
      });
      pruneDead(g.graph());
      return {
        model: g.encode(),
        inputs: [
          ...this.#inputList.map((_, i) => `in${i}`),
          ...this.#scalars.map((_, i) => `s${i}`),
        ],
        outputs: names,
      };
    });
    const feeds = this.#inputList.map((s) => ({ data: s.data!, shape: s.shape }));
    for (const v of this.#scalars) feeds.push({ data: new Float32Array([v]), shape: [] });
    const results = session.run(feeds);
    live.forEach((s, k) => {
      s.data = results[k].data;
      s.shape = results[k].shape;
      s.sym = null;
    });
    this.#reset();
  }

  /** A value is read back mid-trace: run the graph so far (only outside loop bodies). */
  flush(): void {
    if (this.#top !== this.#root) {
      throw new Error(
        'compile: a tensor was read back inside a scan step; the step must stay on the graph (no dataSync/item inside it)',
      );
    }
    this.finish();
  }

  /** The traced function threw: its pending values will never run. */
  abandon(): void {
    this.#reset();
  }
}

/** A value info with a type and no shape (a loop's extra inputs and outputs). */
function untyped(name: string, dtype: 'float32' | 'int32'): ValueInfoProto {
  const v = valueInfo(name, onnxType(dtype), []);
  delete v.type?.tensor_type?.shape;
  return v;
}

/** The integer list of a node's attribute `name` (made empty if absent), to append to. */
function ints(node: NodeProto, name: string): number[] {
  node.attribute ??= [];
  let a = node.attribute.find((x) => x.name === name);
  if (!a) {
    a = makeAttribute(name, [0]);
    a.ints = [];
    node.attribute.push(a);
  }
  a.ints ??= [];
  return a.ints;
}
