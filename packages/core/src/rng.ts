import { RnnkitError } from './errors.js';

/** Generators that drew during the current watch, with their states before their first draw. */
let watched: Map<Rng, number[]> | null = null;

/** What `watchDraws` saw; end it with `end()`. */
export interface DrawWatch {
  /** Whether any generator has drawn since the watch began. */
  readonly drew: boolean;
  /** Puts every generator that drew back to its state when the watch began. */
  restore(): void;
  end(): void;
}

/**
 * Watches every generator's draws from now until `end()`. A caller that traces code once to run
 * it many times (the Trainer's fused steps) uses it: code that drew host random numbers (a
 * dropout mask) would repeat one draw at every step, so it undoes the draws and runs the steps
 * one at a time instead. Watches do not nest.
 */
export function watchDraws(): DrawWatch {
  if (watched) throw new RnnkitError('watchDraws: a watch is already running; end it first');
  const mine = new Map<Rng, number[]>();
  watched = mine;
  return {
    get drew() {
      return mine.size > 0;
    },
    restore() {
      for (const [rng, state] of mine) rng.setState(state);
      mine.clear();
    },
    end() {
      if (watched === mine) watched = null;
    },
  };
}

/**
 * Seeded pseudo-random generator (xoshiro128**, seeded through splitmix32). Values are made on
 * the host, so the same seed gives the same weights, dropout masks and samples on every backend.
 * Its whole state is four 32-bit words: `getState()`/`setState()` save and restore it exactly.
 */
export class Rng {
  #s = new Uint32Array(4);

  constructor(seed = 0) {
    this.seed(seed);
  }

  seed(seed: number): void {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.#s.every((v) => v === 0)) this.#s[0] = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    if (watched !== null && !watched.has(this)) watched.set(this, this.getState());
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of randomness. */
  random(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** Standard normal (Box–Muller, one value per call). */
  normal(): number {
    const u1 = 1 - this.random();
    const u2 = this.random();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** n uniforms in [lo, hi): the values n calls of `random()` give, scaled. */
  uniformArray(n: number, lo: number, hi: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.random();
    return out;
  }

  normalArray(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** Fisher–Yates shuffle of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  getState(): number[] {
    return Array.from(this.#s);
  }

  setState(state: readonly number[]): void {
    if (state.length !== 4 || state.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff)) {
      throw new RnnkitError('Rng.setState: expected four unsigned 32-bit integers from getState()');
    }
    this.#s.set(state);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The process-wide default generator used when no Rng is passed. */
export const defaultRng = new Rng(0);

/** Reseeds the default generator (PyTorch's `torch.manual_seed`). */
export function manualSeed(seed: number): void {
  defaultRng.seed(seed);
}
