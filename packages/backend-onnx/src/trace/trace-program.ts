import type { DType } from '@rnnkit/core';
import type { KernelCall, Val } from '../graph/emit.js';

/**
 * What a trace records: per graph (the traced function's, or a loop body), the kernel calls and
 * loops in order, with the names their results have. Names are given when a call is recorded,
 * before any ONNX node exists, so a trace whose signature matches a cached graph never builds
 * nodes at all; `buildGraph` (trace-build.ts) turns a program into ONNX when one is needed.
 */
export interface Program {
  /** Prefix of every name made in this graph (loop bodies see their enclosing graphs' names). */
  readonly prefix: string;
  readonly ops: Op[];
  /** Graph inputs: the traced function's host inputs and scalars, or a body's per-step values. */
  readonly inputs: Decl[];
  /** Outputs, set when the graph is closed. */
  outputs: Output[];
  /** Names made by calls in this graph. */
  readonly made: Set<string>;
  /** A loop body: sequences read from outside besides the loop's own (replayed values). */
  readonly extraSeqs: string[];
}

/** A declared value: name, element type and (when known) shape. */
export interface Decl {
  readonly name: string;
  readonly dtype: DType;
  readonly shape?: readonly number[];
}

/** A graph output: the value `src`, under the name `name` (an Identity when they differ). */
export interface Output {
  readonly src: string;
  readonly name: string;
  readonly dtype: DType;
  readonly shape?: readonly number[];
}

export type Op = CallOp | ScanOp;

export interface CallOp {
  readonly kind: 'call';
  readonly call: KernelCall;
  readonly ins: readonly Val[];
  readonly scalars: readonly string[];
  readonly outs: readonly string[];
}

export interface ScanOp {
  readonly kind: 'scan';
  readonly body: Program;
  readonly init: readonly string[];
  readonly seqs: readonly string[];
  readonly reverse: boolean;
  /** Outputs: final carries, then the stacked per-step outputs, then `saved` (added later). */
  readonly outs: string[];
  /** Body values a backward loop reads, leaving this loop as extra stacked outputs. */
  readonly saved: { src: string; dtype: DType; out: string }[];
}
