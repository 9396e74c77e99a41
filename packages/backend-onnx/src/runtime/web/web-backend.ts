import type { Backend, KernelTensor } from '@rnnkit/core';
import { OnnxBackendBase } from '../../backend-base.js';
import { type KernelCall, type LoweringOptions, WEBGPU_LOWERING } from '../../graph/emit.js';
import { GraphCache } from '../../graph/graph-cache.js';
import { kernelGraph, kernelSignature } from '../../graph/kernel-graph.js';
import { hostData, OnnxStorage } from '../../storage.js';
import type { Feed } from '../protocol.js';
import { WebRuntime, type WebRuntimeConfig } from './web-runtime.js';

type S = OnnxStorage;
type KT = KernelTensor<S>;

/**
 * rnnkit kernels on ONNX Runtime Web (onnxruntime-web, WebAssembly or WebGPU) in a browser. The
 * graphs are the Node backend's (the same lowering, trace, passes and graph cache:
 * backend-base.ts); only the sessions differ: all of them run in a Web Worker (web-runtime.ts),
 * single kernels outside `compile` included, each as a cached one-kernel graph. Results stay in
 * the worker until read, and reading is asynchronous only (`await tensor.data()`).
 */
export class WebOnnxBackend extends OnnxBackendBase implements Backend<S> {
  readonly config: WebRuntimeConfig;
  /** Sessions of compiled graphs; they all run in the worker. */
  readonly graphs: GraphCache;
  /** How kernels are written as ONNX nodes for this execution provider. */
  readonly lowering: LoweringOptions;
  /** Session ids of single kernels in the worker, by kernel signature. */
  readonly #kernels = new Map<string, number>();

  constructor(name: string, config: WebRuntimeConfig) {
    super(name);
    this.config = config;
    // the operators WebGPU gets wrong are written another way there (see LoweringOptions)
    this.lowering = config.ep === 'webgpu' ? WEBGPU_LOWERING : {};
    this.graphs = new GraphCache(
      { worker: true, lowering: this.lowering },
      null,
      () => new WebRuntime(config),
    );
  }

  /** Runs (or, while tracing, records) one kernel call: outside a trace, posted to the worker. */
  protected override call(call: KernelCall, ins: readonly KT[]): S[] {
    if (this.sink) return this.sink.emit(call, ins);
    const rt = this.graphs.runtime();
    const sig = kernelSignature(call, ins, this.lowering);
    let sid = this.#kernels.get(sig);
    if (sid === undefined) {
      const g = kernelGraph(call, ins, this.lowering);
      sid = rt.load(g.model, g.inputs, g.outputs);
      this.#kernels.set(sig, sid);
    }
    const feeds: Feed[] = ins.map((x) =>
      x.storage.remote ? { ref: x.storage.remote.id } : { data: hostData(x), shape: x.shape },
    );
    for (const v of call.scalars) feeds.push({ data: new Float32Array([v]), shape: [] });
    return rt.run(sid, feeds, call.outDtypes.length).map((id, k) => {
      const s = new OnnxStorage(null, [], call.outDtypes[k]);
      s.remote = { rt, id };
      return s;
    });
  }

  threads(): number {
    return this.config.threads;
  }
}
