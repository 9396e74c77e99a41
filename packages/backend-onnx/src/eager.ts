import type { KernelTensor } from '@rnnkit/core';
import type { KernelCall } from './graph/emit.js';
import { kernelGraph, kernelSignature } from './graph/kernel-graph.js';
import { type HostValue, Session, type SessionConfig } from './runtime/node/runtime.js';
import { hostData, type OnnxStorage } from './storage.js';

type KT = KernelTensor<OnnxStorage>;

export { onnxType } from './graph/kernel-graph.js';

/**
 * Kernels called outside `compile`: each (kernel, attributes, input dtypes and ranks) becomes a
 * one-kernel ONNX graph with symbolic dimensions (graph/kernel-graph.ts), loaded once and
 * cached; a call feeds host values and reads the results back. Slow (a session run per kernel)
 * but exact, so the conformance suite runs unchanged on this backend.
 */
export class EagerRunner {
  readonly #cache = new Map<string, Session>();

  constructor(readonly config: SessionConfig) {}

  get sessions(): number {
    return this.#cache.size;
  }

  run(call: KernelCall, ins: readonly KT[]): HostValue[] {
    const feeds: HostValue[] = ins.map((x) => ({ data: hostData(x), shape: x.shape }));
    const sig = kernelSignature(call, ins);
    let session = this.#cache.get(sig);
    if (!session) {
      const g = kernelGraph(call, ins);
      session = new Session(g.model, g.inputs, g.outputs, this.config);
      this.#cache.set(sig, session);
    }
    for (const v of call.scalars) feeds.push({ data: new Float32Array([v]), shape: [] });
    return session.run(feeds);
  }

  dispose(): void {
    for (const s of this.#cache.values()) s.dispose();
    this.#cache.clear();
  }
}
