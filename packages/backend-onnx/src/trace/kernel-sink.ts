import type { KernelTensor } from '@rnnkit/core';
import type { KernelCall } from '../graph/emit.js';
import type { OnnxStorage } from '../storage.js';

/** Where kernel calls go while `compile` traces: set by the tracer, consulted by every kernel. */
export interface KernelSink {
  emit(call: KernelCall, ins: readonly KernelTensor<OnnxStorage>[]): OnnxStorage[];
}
