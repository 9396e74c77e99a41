import type { AdamHyper, RmspropHyper, SgdHyper } from '@rnnkit/core';

/** torch.optim.SGD, in place on p (and buf). */
export function sgd(p: Float32Array, g: Float32Array, buf: Float32Array | null, h: SgdHyper): void {
  const { lr, momentum, dampening, nesterov, weightDecay, firstStep } = h;
  for (let i = 0; i < p.length; i++) {
    let d = g[i] + weightDecay * p[i];
    if (buf && momentum !== 0) {
      const b = firstStep ? d : momentum * buf[i] + (1 - dampening) * d;
      buf[i] = b;
      d = nesterov ? d + momentum * b : b;
    }
    p[i] -= lr * d;
  }
}

/** torch.optim.Adam / AdamW (decoupled), in place on p, m, v. */
export function adam(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  h: AdamHyper,
): void {
  const { lr, beta1, beta2, eps, weightDecay, decoupled, biasCorrection1, biasCorrection2 } = h;
  const stepSize = lr / biasCorrection1;
  const bc2Sqrt = Math.sqrt(biasCorrection2);
  const decay = decoupled ? 1 - lr * weightDecay : 1;
  const l2 = decoupled ? 0 : weightDecay;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] * decay;
    const gi = g[i] + l2 * p[i];
    const mi = beta1 * m[i] + (1 - beta1) * gi;
    const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = pi - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}

/** torch.optim.RMSprop (not centered), in place on p, sq (and buf). */
export function rmsprop(
  p: Float32Array,
  g: Float32Array,
  sq: Float32Array,
  buf: Float32Array | null,
  h: RmspropHyper,
): void {
  const { lr, alpha, eps, weightDecay, momentum } = h;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i] + weightDecay * p[i];
    const s = alpha * sq[i] + (1 - alpha) * gi * gi;
    sq[i] = s;
    const step = gi / (Math.sqrt(s) + eps);
    if (buf && momentum > 0) {
      buf[i] = momentum * buf[i] + step;
      p[i] -= lr * buf[i];
    } else {
      p[i] -= lr * step;
    }
  }
}
