/**
 * exp, tanh and sigmoid in plain arithmetic. V8's Math.exp and Math.tanh call into the runtime
 * (no inlining); these inline to a few multiply-adds and stay within about 1e-10
 * relative error in float64, far below float32 rounding (6e-8), so results match the libm
 * versions once stored in a Float32Array.
 */

/** 2^k for k in [-160, 160), indexed by k + 160. */
const POW2 = new Float64Array(320);
for (let k = -160; k < 160; k++) POW2[k + 160] = 2 ** k;

const INV_LN2 = 1 / Math.LN2;
const LN2_HI = 0.6931471803691238; // ln 2 split in two so k·ln2 is exact to double precision
const LN2_LO = 1.9082149292705877e-10;

/** e^y: y = k·ln2 + r with |r| ≤ ln2/2, e^r by its Taylor series to degree 9 (error < 3e-12). */
export function fexp(y: number): number {
  if (Number.isNaN(y)) return y;
  if (y > 88.72) return Number.POSITIVE_INFINITY; // beyond float32's range
  if (y < -104) return 0;
  const k = Math.round(y * INV_LN2);
  const r = y - k * LN2_HI - k * LN2_LO;
  const p =
    1 +
    r *
      (1 +
        r *
          (0.5 +
            r *
              (1 / 6 +
                r *
                  (1 / 24 +
                    r *
                      (1 / 120 +
                        r * (1 / 720 + r * (1 / 5040 + r * (1 / 40320 + r * (1 / 362880)))))))));
  return p * POW2[k + 160];
}

/** tanh: an odd Taylor polynomial near 0 (no cancellation), (1 − e)/(1 + e) with e = e^(−2|x|) beyond. */
export function ftanh(x: number): number {
  const a = x < 0 ? -x : x;
  if (a < 0.125) {
    const x2 = x * x;
    // x − x³/3 + 2x⁵/15 − 17x⁷/315 + 62x⁹/2835 − 1382x¹¹/155925; next term < 1e-13 here.
    return (
      x *
      (1 +
        x2 * (-1 / 3 + x2 * (2 / 15 + x2 * (-17 / 315 + x2 * (62 / 2835 + x2 * (-1382 / 155925))))))
    );
  }
  if (!(a < 9.1)) return a > 0 ? (x < 0 ? -1 : 1) : x; // |x| ≥ 9.1 rounds to ±1 in float32; NaN stays NaN
  const e = fexp(-2 * a);
  const t = (1 - e) / (1 + e);
  return x < 0 ? -t : t;
}

/** The logistic function 1 / (1 + e^−x). */
export function fsigmoid(x: number): number {
  return 1 / (1 + fexp(-x));
}
