import { dispose, gruCell, lstmCell, rnnCell, type Tensor } from '@rnnkit/core';
import { describe, it } from 'vitest';
import { assertClose, type Ctx, ft, values } from './context.js';
import { gradIt } from './gradcheck.js';
import * as ref from './reference.js';

const sg = ref.sigmoid;

/**
 * Float64 LSTM step: gates [B, 4H] (i, f, g, o), c [B, H], peepholes [3, H] (rows i, f, o;
 * i and f see c_{t−1}, o sees c_t). Returns [h, c_t].
 */
function lstmRef(gates: ref.Arr, c: ref.Arr, p: ref.Arr | null): [ref.Arr, ref.Arr] {
  const [B, H] = c.shape;
  const h = new Array<number>(B * H);
  const cn = new Array<number>(B * H);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const g = (k: number) => gates.data[b * 4 * H + k * H + j];
      const pp = (k: number) => (p ? p.data[k * H + j] : 0);
      const cp = c.data[b * H + j];
      const i = sg(g(0) + pp(0) * cp);
      const f = sg(g(1) + pp(1) * cp);
      const cv = f * cp + i * Math.tanh(g(2));
      const o = sg(g(3) + pp(2) * cv);
      cn[b * H + j] = cv;
      h[b * H + j] = o * Math.tanh(cv);
    }
  }
  return [
    { shape: [B, H], data: h },
    { shape: [B, H], data: cn },
  ];
}

/** Float64 GRU step (reset after the recurrent product): xg, hg [B, 3H] (r, z, n), h [B, H]. */
function gruRef(xg: ref.Arr, hg: ref.Arr, h: ref.Arr): ref.Arr {
  const [B, H] = h.shape;
  const out = new Array<number>(B * H);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const x = (k: number) => xg.data[b * 3 * H + k * H + j];
      const r0 = (k: number) => hg.data[b * 3 * H + k * H + j];
      const r = sg(x(0) + r0(0));
      const z = sg(x(1) + r0(1));
      const n = Math.tanh(x(2) + r * r0(2));
      out[b * H + j] = (1 - z) * n + z * h.data[b * H + j];
    }
  }
  return { shape: [B, H], data: out };
}

/** Float64 Elman step act(xp + h·wᵀ). */
function rnnRef(xp: ref.Arr, h: ref.Arr, w: ref.Arr, act: string): ref.Arr {
  const [B, H] = h.shape;
  const out = new Array<number>(B * H);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      let a = xp.data[b * H + j];
      for (let k = 0; k < H; k++) a += h.data[b * H + k] * w.data[j * H + k];
      out[b * H + j] = act === 'tanh' ? Math.tanh(a) : act === 'relu' ? Math.max(a, 0) : a;
    }
  }
  return { shape: [B, H], data: out };
}

const B = 2;
const H = 3;

export function fusedTests(ctx: Ctx): void {
  describe('recurrent cell ops (fused kernels where the backend has them, composed otherwise)', () => {
    const gates = ref.rand([B, 4 * H], 8000, -2, 2);
    const c = ref.rand([B, H], 8001, -1.5, 1.5);
    const p = ref.rand([3, H], 8002, -1, 1);
    const xg = ref.rand([B, 3 * H], 8003, -2, 2);
    const hg = ref.rand([B, 3 * H], 8004, -2, 2);
    const h = ref.rand([B, H], 8005, -1, 1);
    // Away from 0 after the product so relu's kink is not within the finite-difference step.
    const xpR = ref.rand([B, H], 8006, -2, 2);
    const wR = ref.rand([H, H], 8007, -0.5, 0.5);

    for (const fused of [true, false]) {
      const tag = fused ? 'backend path' : 'composed (fused: false)';
      gradIt(ctx, {
        name: `lstmCell ${tag}: h and c, gradients of gates and c`,
        inputs: [gates, c],
        op: ([g, cc]) => {
          const r = lstmCell(g, cc, null, { fused });
          return [r.h, r.c];
        },
        ref: ([g, cc]) => lstmRef(g, cc, null),
      });
      gradIt(ctx, {
        name: `lstmCell ${tag} with peepholes: gradients of gates, c and peepholes`,
        inputs: [gates, c, p],
        op: ([g, cc, pp]) => {
          const r = lstmCell(g, cc, pp, { fused });
          return [r.h, r.c];
        },
        ref: ([g, cc, pp]) => lstmRef(g, cc, pp),
      });
      for (const act of ['tanh', 'relu', 'linear'] as const) {
        gradIt(ctx, {
          name: `rnnCell ${act} ${tag}: gradients of xp, h and w`,
          inputs: [xpR, h, wR],
          op: ([a, s, ww]) => rnnCell(a, s, ww, act, { fused }),
          ref: ([a, s, ww]) => rnnRef(a, s, ww, act),
        });
      }
      gradIt(ctx, {
        name: `gruCell ${tag}: gradients of xg, hg and h`,
        inputs: [xg, hg, h],
        op: ([a, b, s]) => gruCell(a, b, s, { fused }),
        ref: ([a, b, s]) => gruRef(a, b, s),
      });
    }

    it('fused and composed paths agree on h and c (lstmCell with peepholes, gruCell)', async () => {
      const ts: Tensor[] = [gates, c, p, xg, hg, h].map((a) => ft(ctx, a));
      const [g, cc, pp, a, b, s] = ts;
      const l1 = lstmCell(g, cc, pp);
      const l2 = lstmCell(g, cc, pp, { fused: false });
      assertClose(await values(l1.h), await values(l2.h), ctx.tol * 10, ctx.tol, 'lstm h');
      assertClose(await values(l1.c), await values(l2.c), ctx.tol * 10, ctx.tol, 'lstm c');
      const g1 = gruCell(a, b, s);
      const g2 = gruCell(a, b, s, { fused: false });
      assertClose(await values(g1), await values(g2), ctx.tol * 10, ctx.tol, 'gru h');
      dispose([ts, l1, l2, g1, g2]);
    });
  });
}
