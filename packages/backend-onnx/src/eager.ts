import type { KernelTensor } from '@rnnkit/core';
import { DataType, GraphBuilder } from '@rnnkit/onnx/format';
import { emitter, type KernelCall, type Val } from './graph/emit.js';
import { type HostValue, Session, type SessionConfig } from './runtime/node/runtime.js';
import { hostData, type OnnxStorage } from './storage.js';

type KT = KernelTensor<OnnxStorage>;

export const onnxType = (dtype: string): number =>
  dtype === 'int32' ? DataType.INT32 : DataType.FLOAT;

/**
 * Kernels called outside `compile`: each (kernel, attributes, input dtypes and ranks) becomes a
 * one-kernel ONNX graph with symbolic dimensions, loaded once and cached; a call feeds host
 * values and reads the results back. Slow (a session run per kernel) but exact, so the
 * conformance suite runs unchanged on this backend.
 */
export class EagerRunner {
  readonly #cache = new Map<string, Session>();

  constructor(readonly config: SessionConfig) {}

  get sessions(): number {
    return this.#cache.size;
  }

  run(call: KernelCall, ins: readonly KT[]): HostValue[] {
    const feeds: HostValue[] = ins.map((x) => ({ data: hostData(x), shape: x.shape }));
    const sig = `${call.key}|${ins.map((x) => `${x.dtype[0]}${x.shape.length}`).join(',')}`;
    let session = this.#cache.get(sig);
    if (!session) {
      session = this.#build(call, ins);
      this.#cache.set(sig, session);
    }
    for (const v of call.scalars) feeds.push({ data: new Float32Array([v]), shape: [] });
    return session.run(feeds);
  }

  #build(call: KernelCall, ins: readonly KT[]): Session {
    const g = new GraphBuilder('kernel');
    const vals: Val[] = ins.map((x, i) => {
      const name = g.input(
        `x${i}`,
        onnxType(x.dtype),
        x.shape.map((_, d) => `x${i}_${d}`),
      );
      return { name, shape: x.shape, dtype: x.dtype };
    });
    const scalars = call.scalars.map((_, i) => g.input(`s${i}`, DataType.FLOAT, []));
    const outs = call.lower(emitter(g), vals, scalars);
    const names = outs.map((o, i) => g.output(`y${i}`, onnxType(call.outDtypes[i]), [], o));
    // outputs of unknown rank: drop the (empty) shape so ONNX Runtime does not check it
    for (const o of g.outputs) delete o.type?.tensor_type?.shape;
    return new Session(g.encode(), [...vals.map((v) => v.name), ...scalars], names, this.config);
  }

  dispose(): void {
    for (const s of this.#cache.values()) s.dispose();
    this.#cache.clear();
  }
}
