import {
  addmm,
  concat,
  expandDims,
  gather,
  linear,
  logSoftmax,
  matmul,
  reshape,
  slice,
  softmax,
  softmaxCrossEntropy,
  squeeze,
  stack,
  type Tensor,
  tensor,
  transpose,
  unstack,
} from '@rnnkit/core';
import { describe } from 'vitest';
import type { Ctx } from './context.js';
import { gradIt } from './gradcheck.js';
import * as ref from './reference.js';

const rand = ref.rand;

/** An int32 tensor on the input's backend (labels and indices are constants of the op). */
function ints(like: Tensor, data: number[], shape: number[]): Tensor {
  return tensor(Int32Array.from(data), shape, 'int32', like.backend);
}

export function layoutGradTests(ctx: Ctx): void {
  describe('gradients: layout ops', () => {
    const x23 = rand([2, 3], 1100);
    const x234 = rand([2, 3, 4], 1101);
    gradIt(ctx, {
      name: 'reshape [2,3,4] → [6,4]',
      inputs: [x234],
      op: ([t]) => reshape(t, [6, 4]),
      ref: ([t]) => ref.reshape(t, [6, 4]),
    });
    gradIt(ctx, {
      name: 'reshape with -1 → [4,-1]',
      inputs: [x234],
      op: ([t]) => reshape(t, [4, -1]),
      ref: ([t]) => ref.reshape(t, [4, 6]),
    });
    gradIt(ctx, {
      name: 'transpose 2-D (default perm)',
      inputs: [x23],
      op: ([t]) => transpose(t),
      ref: ([t]) => ref.transpose(t, [1, 0]),
    });
    for (const perm of [
      [2, 0, 1],
      [1, 2, 0],
      [0, 2, 1],
    ]) {
      gradIt(ctx, {
        name: `transpose 3-D perm [${perm.join(',')}]`,
        inputs: [x234],
        op: ([t]) => transpose(t, perm),
        ref: ([t]) => ref.transpose(t, perm),
      });
    }
    gradIt(ctx, {
      name: 'concat axis 0 of three 2-D inputs',
      inputs: [rand([1, 3], 1102), rand([2, 3], 1103), rand([3, 3], 1104)],
      op: (xs) => concat(xs, 0),
      ref: (xs) => ref.concat(xs, 0),
    });
    gradIt(ctx, {
      name: 'concat axis 1 (last, given as -1) of two 2-D inputs',
      inputs: [rand([2, 2], 1105), rand([2, 3], 1106)],
      op: (xs) => concat(xs, -1),
      ref: (xs) => ref.concat(xs, 1),
    });
    gradIt(ctx, {
      name: 'concat 3-D on the middle axis',
      inputs: [rand([2, 1, 3], 1107), rand([2, 2, 3], 1108)],
      op: (xs) => concat(xs, 1),
      ref: (xs) => ref.concat(xs, 1),
    });
    gradIt(ctx, {
      name: 'concat of a tensor with itself',
      inputs: [x23],
      op: ([t]) => concat([t, t], 0),
      ref: ([t]) => ref.concat([t, t], 0),
    });
    const sliceCases: [number[], number[]][] = [
      [
        [1, 0, 1],
        [1, 3, 2],
      ],
      [
        [0, 1, 0],
        [2, 1, 4],
      ],
      [
        [1, 2, 3],
        [1, 1, 1],
      ],
    ];
    for (const [begin, size] of sliceCases) {
      gradIt(ctx, {
        name: `slice [2,3,4] begin [${begin.join(',')}] size [${size.join(',')}]`,
        inputs: [x234],
        op: ([t]) => slice(t, begin, size),
        ref: ([t]) => ref.slice(t, begin, size),
      });
    }
    gradIt(ctx, {
      name: 'slice with size -1 (to the end)',
      inputs: [x23],
      op: ([t]) => slice(t, [0, 1], [-1, -1]),
      ref: ([t]) => ref.slice(t, [0, 1], [2, 2]),
    });
    for (const axis of [0, 1, 2]) {
      gradIt(ctx, {
        name: `stack three [2,3] on axis ${axis}`,
        inputs: [rand([2, 3], 1110), rand([2, 3], 1111), rand([2, 3], 1112)],
        op: (xs) => stack(xs, axis),
        ref: (xs) => ref.stack(xs, axis),
      });
    }
    for (const axis of [0, 1, 2]) {
      gradIt(ctx, {
        name: `unstack [2,3,4] on axis ${axis} (several outputs)`,
        inputs: [x234],
        op: ([t]) => unstack(t, axis),
        ref: ([t]) => ref.unstack(t, axis),
      });
    }
    gradIt(ctx, {
      name: 'expandDims axis 1',
      inputs: [x23],
      op: ([t]) => expandDims(t, 1),
      ref: ([t]) => ref.reshape(t, [2, 1, 3]),
    });
    gradIt(ctx, {
      name: 'expandDims axis -1',
      inputs: [x23],
      op: ([t]) => expandDims(t, -1),
      ref: ([t]) => ref.reshape(t, [2, 3, 1]),
    });
    const x1 = rand([2, 1, 3, 1], 1113);
    gradIt(ctx, {
      name: 'squeeze all size-1 axes',
      inputs: [x1],
      op: ([t]) => squeeze(t),
      ref: ([t]) => ref.reshape(t, [2, 3]),
    });
    gradIt(ctx, {
      name: 'squeeze axis 1',
      inputs: [x1],
      op: ([t]) => squeeze(t, 1),
      ref: ([t]) => ref.reshape(t, [2, 3, 1]),
    });
  });

  describe('gradients: matmul and linear', () => {
    const m = 3;
    const k = 5;
    const n = 4;
    for (const [ta, tb] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      gradIt(ctx, {
        name: `matmul ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} (m=${m} k=${k} n=${n})`,
        inputs: [rand(ta ? [k, m] : [m, k], 1200), rand(tb ? [n, k] : [k, n], 1201)],
        op: ([a, b]) => matmul(a, b, { transA: ta, transB: tb }),
        ref: ([a, b]) => ref.matmul(a, b, ta, tb),
      });
    }
    gradIt(ctx, {
      name: 'matmul NN larger odd sizes (7×9 · 9×6)',
      inputs: [rand([7, 9], 1202), rand([9, 6], 1203)],
      op: ([a, b]) => matmul(a, b),
      ref: ([a, b]) => ref.matmul(a, b),
    });
    gradIt(ctx, {
      name: 'matmul of a tensor with itself (x·xᵀ)',
      inputs: [rand([3, 4], 1204)],
      op: ([a]) => matmul(a, a, { transB: true }),
      ref: ([a]) => ref.matmul(a, a, false, true),
    });
    for (const [ta, tb] of [
      [false, false],
      [true, true],
    ] as const) {
      const a0 = rand(ta ? [k, m] : [m, k], 1205);
      const b0 = rand(tb ? [n, k] : [k, n], 1206);
      gradIt(ctx, {
        name: `addmm ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'}: c [m, n] + op(a)·op(b)`,
        inputs: [rand([m, n], 1207), a0, b0],
        op: ([c, a, b]) => addmm(c, a, b, { transA: ta, transB: tb }),
        ref: ([c, a, b]) => ref.binary(ref.matmul(a, b, ta, tb), c, (u, v) => u + v),
      });
      gradIt(ctx, {
        name: `addmm ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'}: bias row c [n] + op(a)·op(b)`,
        inputs: [rand([n], 1208), a0, b0],
        op: ([c, a, b]) => addmm(c, a, b, { transA: ta, transB: tb }),
        ref: ([c, a, b]) => ref.binary(ref.matmul(a, b, ta, tb), c, (u, v) => u + v),
      });
    }
    const linRef = (x: ref.Arr, w: ref.Arr, b?: ref.Arr) => {
      const f = x.shape[x.shape.length - 1];
      const y = ref.matmul(ref.reshape(x, [x.data.length / f, f]), w, false, true);
      const yb = b ? ref.binary(y, b, (u, v) => u + v) : y;
      return ref.reshape(yb, [...x.shape.slice(0, -1), w.shape[0]]);
    };
    gradIt(ctx, {
      name: 'linear with bias (x [2,3], w [4,3], b [4])',
      inputs: [rand([2, 3], 1210), rand([4, 3], 1211), rand([4], 1212)],
      op: ([x, w, b]) => linear(x, w, b),
      ref: ([x, w, b]) => linRef(x, w, b),
    });
    gradIt(ctx, {
      name: 'linear without bias',
      inputs: [rand([3, 3], 1213), rand([2, 3], 1214)],
      op: ([x, w]) => linear(x, w),
      ref: ([x, w]) => linRef(x, w),
    });
    gradIt(ctx, {
      name: 'linear on a 3-D input [2,3,5]',
      inputs: [rand([2, 3, 5], 1215), rand([4, 5], 1216), rand([4], 1217)],
      op: ([x, w, b]) => linear(x, w, b),
      ref: ([x, w, b]) => linRef(x, w, b),
    });
  });

  describe('gradients: gather, softmax and losses', () => {
    const idx = [3, 0, 3, 1, 3];
    gradIt(ctx, {
      name: 'gather w.r.t. the table, repeated indices',
      inputs: [rand([5, 3], 1300)],
      op: ([t]) => gather(t, ints(t, idx, [5])),
      ref: ([t]) => ref.gather(t, idx),
    });
    const idx2 = [4, 1, 1, 0, 4, 4];
    gradIt(ctx, {
      name: 'gather with 2-D indices [2,3]',
      inputs: [rand([5, 2], 1301)],
      op: ([t]) => gather(t, ints(t, idx2, [2, 3])),
      ref: ([t]) => ref.reshape(ref.gather(t, idx2), [2, 3, 2]),
    });
    gradIt(ctx, {
      name: 'softmax [3,4]',
      inputs: [rand([3, 4], 1310, -2, 2)],
      op: ([t]) => softmax(t),
      ref: ([t]) => ref.softmax(t),
    });
    gradIt(ctx, {
      name: 'softmax 3-D [2,2,3]',
      inputs: [rand([2, 2, 3], 1311, -2, 2)],
      op: ([t]) => softmax(t),
      ref: ([t]) => ref.softmax(t),
    });
    gradIt(ctx, {
      name: 'logSoftmax [3,4]',
      inputs: [rand([3, 4], 1312, -2, 2)],
      op: ([t]) => logSoftmax(t),
      ref: ([t]) => ref.softmax(t, true),
    });
    gradIt(ctx, {
      name: 'logSoftmax 3-D [2,2,3]',
      inputs: [rand([2, 2, 3], 1313, -2, 2)],
      op: ([t]) => logSoftmax(t),
      ref: ([t]) => ref.softmax(t, true),
    });
    const labels = [2, 0, 4, 4];
    gradIt(ctx, {
      name: 'softmaxCrossEntropy [4,5]',
      inputs: [rand([4, 5], 1320, -2, 2)],
      op: ([t]) => softmaxCrossEntropy(t, ints(t, labels, [4])),
      ref: ([t]) => ref.crossEntropy(t, labels),
    });
    const labels3 = [0, 3, 1, 2, 2, 0];
    gradIt(ctx, {
      name: 'softmaxCrossEntropy 3-D logits [2,3,4], labels [2,3]',
      inputs: [rand([2, 3, 4], 1321, -2, 2)],
      op: ([t]) => softmaxCrossEntropy(t, ints(t, labels3, [2, 3])),
      ref: ([t]) => ref.crossEntropy(t, labels3),
    });
  });
}
