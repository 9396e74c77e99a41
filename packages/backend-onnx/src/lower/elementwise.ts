import type { Lower } from '../graph/emit.js';

/** ONNX binary operators with NumPy broadcasting, by rnnkit kernel name. */
export const BINARY = { add: 'Add', sub: 'Sub', mul: 'Mul', div: 'Div', maximum: 'Max' } as const;
export type BinaryKernel = keyof typeof BINARY;

/** a ∘ b with multidirectional broadcasting (ONNX's rules are NumPy's). Key: the kernel name. */
export function binary(kind: BinaryKernel): Lower {
  const op = BINARY[kind];
  return (e, [a, b]) => [e.g.op(op, [a.name, b.name])];
}

/** op(a)·op(b) as Gemm. Key: `matmul|<transA><transB>`. */
export function matmul(transA: boolean, transB: boolean): Lower {
  return (e, [a, b]) => {
    const k = transA ? a.shape[0] : a.shape[1];
    if (k === 0 && e.lowering.emptyProduct) {
      // zeros of the product's shape where the runtime refuses an empty Gemm (see LoweringOptions)
      const m = transA ? a.shape[1] : a.shape[0];
      const n = transB ? b.shape[0] : b.shape[1];
      return [e.g.op('ConstantOfShape', [e.ints([m, n])])];
    }
    return [e.g.op('Gemm', [a.name, b.name], { transA: +transA, transB: +transB })];
  };
}

/**
 * c + op(a)·op(b): Gemm's C input, which broadcasts a bias row [n] over the rows (torch.addmm).
 * Key: `addmm|<transA><transB>`.
 */
export function addmm(transA: boolean, transB: boolean): Lower {
  return (e, [c, a, b]) => [
    e.g.op('Gemm', [a.name, b.name, c.name], { transA: +transA, transB: +transB }),
  ];
}
