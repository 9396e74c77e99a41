import { type DType, type KernelTensor, type LoopSpec, sizeOf } from '@rnnkit/core';
import { type FloatKey, floatKey, type KernelCall } from '../graph/emit.js';
import type { GraphCache } from '../graph/graph-cache.js';
import type { Feed } from '../runtime/protocol.js';
import { hostData, movable, OnnxStorage } from '../storage.js';
import type { KernelSink } from './kernel-sink.js';
import { buildModel } from './trace-build.js';
import type { Output, Program, ScanOp } from './trace-program.js';

type KT = KernelTensor<OnnxStorage>;

/** One graph being recorded: the traced function's, or a loop body inside it. */
interface Frame {
  readonly program: Program;
  readonly parent: Frame | null;
  /** Values made in this graph, in order. */
  readonly syms: OnnxStorage[];
  /** A forward loop's body: each kernel call's results, in order, for replay. */
  readonly calls?: { key: string; outs: OnnxStorage[] }[];
  /** Names made so far. */
  count: number;
}

/** A lowered forward loop whose per-step values a backward loop may read. */
interface Loop {
  readonly op: ScanOp;
  readonly body: Frame;
  readonly outer: Frame;
  /** Body values already leaving the loop as stacked outputs → those outputs. */
  readonly exported: Map<OnnxStorage, string>;
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
 * recorded the same way. Calls are recorded with the names their results will have; a signature
 * of the calls identifies the graph, so a training step traced again on the next batch reuses
 * the session of the first without building any node (see trace-program.ts).
 *
 * Reading a value back while tracing (a loss checked mid-step, gradient clipping by a norm read
 * on the host) runs the graph so far, and tracing goes on from its results: the function becomes
 * several graphs, each cached the same way.
 */
export class Trace implements KernelSink {
  #root!: Frame;
  #top!: Frame;
  #inputs!: Map<OnnxStorage, string>;
  /** Host inputs: the storage (its tensor may be disposed before the run), shape, worker id. */
  #inputList!: { s: OnnxStorage; shape: readonly number[]; ref: number | undefined }[];
  #scalars!: number[];
  /** Scalar inputs by float32 value (−0 apart from 0). */
  #scalarNames!: Map<FloatKey, string>;
  #sig!: string[];
  #bodies!: number;
  #loops!: Map<object, Loop>;
  /** Elements of the sequences the graph's loops read, each counted once (see GraphTraits). */
  #seqElements!: number;
  #replay: Replay | null = null;

  constructor(private readonly cache: GraphCache) {
    this.#reset();
  }

  #reset(): void {
    this.#root = frame('', null);
    this.#top = this.#root;
    this.#loops = new Map();
    this.#inputs = new Map();
    this.#inputList = [];
    this.#scalars = [];
    this.#scalarNames = new Map();
    this.#sig = [];
    this.#bodies = 0;
    this.#seqElements = 0;
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
      name: this.#ref(x, f),
      shape: x.shape,
      dtype: x.dtype,
    }));
    const scalars = call.scalars.map((v) => this.#scalar(v));
    const outs = call.outDtypes.map(() => fresh(f));
    f.program.ops.push({ kind: 'call', call, ins: vals, scalars, outs });
    this.#sig.push(`${call.key}(${vals.map((v) => v.name).join(',')}|${scalars.join(',')})`);
    const made = outs.map((name, i) => this.#sym(f, name, call.outDtypes[i]));
    f.calls?.push({ key: call.key, outs: made });
    return made;
  }

  #sym(f: Frame, name: string, dtype: DType): OnnxStorage {
    const s = new OnnxStorage(null, [], dtype, { graph: f, name });
    f.syms.push(s);
    f.program.made.add(name);
    return s;
  }

  /** The name of a kernel input in frame `f`: a value of `f` or an enclosing graph, or a new input. */
  #ref(x: KT, f: Frame): string {
    const s = x.storage;
    if (s.sym?.name === '') this.#readReplayed(s, x.shape);
    if (s.sym) {
      for (let p: Frame | null = f; p; p = p.parent) if (p === s.sym.graph) return s.sym.name;
      throw new Error(
        'compile: a tensor computed inside a scan step was used outside it; return it from the step as an output instead',
      );
    }
    let name = this.#inputs.get(s);
    if (name === undefined) {
      name = `in${this.#inputList.length}`;
      // the tensor's shape: a value left in the worker by an earlier graph has no host shape
      this.#root.program.inputs.push({ name, dtype: s.dtype, shape: x.shape });
      this.#inputs.set(s, name);
      this.#inputList.push({ s, shape: x.shape, ref: s.remote?.id });
      this.#sig.push(`${name}:${s.dtype}[${x.shape.join(',')}]`);
    }
    return name;
  }

  /**
   * The graph input holding scalar `v`, shared by every call with the same float32 value: an
   * optimizer's update of many tensors passes the same learning rate, betas and bias corrections
   * to each, and every input is an ONNX Runtime tensor made and bound on every run (the sine
   * model's Adam update went from 77 inputs to 32). Which calls share an input is part of the
   * signature, so a trace whose values coincide differently gets a graph of its own.
   */
  #scalar(v: number): string {
    const key = floatKey(Math.fround(v));
    let name = this.#scalarNames.get(key);
    if (name === undefined) {
      name = `s${this.#scalars.length}`;
      this.#root.program.inputs.push({ name, dtype: 'float32', shape: [] });
      this.#scalars.push(v);
      this.#scalarNames.set(key, name);
    }
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
  #readReplayed(s: OnnxStorage, shape: readonly number[]): void {
    const { loop, value } = s.residual as Residual;
    let seq = loop.exported.get(value);
    if (seq === undefined) {
      // a per-step output of the loop already (an RNN's or GRU's h): its stacked output
      const nC = loop.op.init.length;
      const at = loop.op.body.outputs.findIndex((o, i) => i >= nC && o.src === value.sym!.name);
      if (at >= 0) {
        seq = loop.op.outs[at];
        loop.exported.set(value, seq);
      }
    }
    if (seq === undefined) {
      seq = fresh(loop.outer);
      loop.op.saved.push({ src: value.sym!.name, dtype: value.dtype, out: seq });
      loop.exported.set(value, seq);
      this.#sig.push(`saved(${value.sym!.name})`);
    }
    const f = s.sym!.graph as Frame;
    const name = `${f.program.prefix}r${f.program.extraSeqs.length}`;
    f.program.inputs.push({ name, dtype: value.dtype, shape });
    f.program.extraSeqs.push(seq);
    s.sym!.name = name;
    this.#sig.push(`replayed(${name}=${seq})`);
  }

  /** Lowers a core `scan` to an ONNX Scan node (see core's LoopSpec). */
  scan(spec: LoopSpec<OnnxStorage>): OnnxStorage[] {
    const outer = this.#top;
    const init = spec.init.map((x) => this.#ref(x, outer));
    const seqs = spec.xs.map((x) => this.#ref(x, outer));
    for (const x of spec.xs) this.#seqElements += sizeOf(x.shape);
    const p = `b${this.#bodies++}_`;
    const f = frame(p, outer, spec.key !== undefined);
    const place = (x: KT, name: string, shape: readonly number[]) => {
      f.program.inputs.push({ name, dtype: x.dtype, shape });
      const s = new OnnxStorage(null, [], x.dtype, { graph: f, name });
      f.syms.push(s);
      return s;
    };
    const cs = spec.init.map((x, i) => place(x, `${p}c${i}`, x.shape));
    const xs = spec.xs.map((x, i) => place(x, `${p}x${i}`, x.shape.slice(1)));
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
    f.program.outputs = outs.map((o, i): Output => {
      const src = this.#ref(o, f);
      const name = f.program.made.has(src) && !listed.has(src) ? src : `${p}o${i}`;
      listed.add(name);
      return { src, name, dtype: o.dtype, shape: o.shape };
    });
    const op: ScanOp = {
      kind: 'scan',
      body: f.program,
      init,
      seqs,
      reverse: spec.reverse,
      outs: outs.map(() => fresh(outer)),
      saved: [],
    };
    outer.program.ops.push(op);
    this.#sig.push(`}${outs.map((o) => o.dtype[0]).join('')}`);
    if (spec.key) this.#loops.set(spec.key, { op, body: f, outer, exported: new Map() });
    return op.outs.map((n, i) => this.#sym(outer, n, outs[i].dtype));
  }

  /** Runs what was traced and writes every value still held by a tensor into its storage. */
  finish(): void {
    const live = this.#root.syms.filter((s) => !s.disposed);
    if (live.length === 0) {
      this.#reset();
      return;
    }
    const outNames = live.map((s) => s.sym!.name);
    const sig = `${this.#sig.join(';')}=>${outNames.join(',')}`;
    const session = this.cache.get(sig, () => {
      const inputElements = this.#inputList.reduce((n, x) => n + sizeOf(x.shape), 0);
      this.#root.program.outputs = live.map((s) => ({
        src: s.sym!.name,
        name: s.sym!.name,
        dtype: s.dtype,
      }));
      return {
        model: buildModel(this.#root.program, this.cache.config.lowering),
        inputs: [
          ...this.#inputList.map((_, i) => `in${i}`),
          ...this.#scalars.map((_, i) => `s${i}`),
        ],
        outputs: outNames,
        loops: this.#root.program.ops.some((op) => op.kind === 'scan'),
        dataElements: inputElements + this.#seqElements,
        // float32 and int32 alike: 4 bytes a value
        inputBytes: 4 * inputElements,
      };
    });
    const scalars = this.#scalars.map((v) => ({ data: new Float32Array([v]), shape: [] }));
    this.cache.weigh(session);
    if (this.cache.inWorker) {
      const rt = this.cache.runtime();
      // the worker runs it; the results stay there until read (see remote.ts), and so do the
      // large host inputs it reads (see MOVED_FEED_BYTES)
      const moved: OnnxStorage[] = [];
      const feeds = this.#inputList.map(({ s, shape, ref }): Feed => {
        if (ref !== undefined) return { ref };
        const data = hostData({ storage: s, shape });
        if (s.disposed || !movable(data)) return { data, shape };
        moved.push(s);
        return { data, shape, move: true };
      });
      const ids = rt.run(this.cache.sid(session), [...feeds, ...scalars], live.length);
      live.forEach((s, k) => {
        s.remote = { rt, id: ids[k] };
        s.sym = null;
      });
      moved.forEach((s, k) => {
        s.remote = { rt, id: ids[live.length + k] };
        s.data = null;
      });
    } else {
      const feeds = this.#inputList.map(({ s, shape }) => ({
        data: hostData({ storage: s, shape }),
        shape,
      }));
      const local = this.cache.local(session);
      const t0 = performance.now();
      const results = local.run([...feeds, ...scalars]);
      this.cache.observe(performance.now() - t0);
      live.forEach((s, k) => {
        s.data = results[k].data;
        s.shape = results[k].shape;
        s.sym = null;
      });
    }
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

function frame(prefix: string, parent: Frame | null, replayable = false): Frame {
  return {
    program: { prefix, ops: [], inputs: [], outputs: [], made: new Set(), extraSeqs: [] },
    parent,
    syms: [],
    count: 0,
    ...(replayable ? { calls: [] } : {}),
  };
}

/** A name for a value made in frame `f` (no name GraphBuilder generates has a dot). */
function fresh(f: Frame): string {
  return `${f.program.prefix}v.${f.count++}`;
}
