import {
  abs,
  add,
  addScalar,
  affine,
  clip,
  div,
  exp,
  log,
  mul,
  mulScalar,
  neg,
  RnnkitError,
  relu,
  sigmoid,
  step,
  type Tensor,
  tanh,
} from '@rnnkit/core';

/** One activation of an ONNX recurrent node with its alpha and beta (0 where it takes none). */
export interface Activation {
  /** ONNX's spelling: 'Tanh', 'LeakyRelu', … */
  name: string;
  alpha: number;
  beta: number;
}

interface ActivationSpec {
  name: string;
  /** How many of activation_alpha / activation_beta it consumes (0 or 1 each). */
  alpha: boolean;
  beta: boolean;
  /**
   * The value used when the list has run out, or null where no default is settled: Affine and
   * ScaledTanh have no ONNX operator to take a default from (ONNX Runtime then uses 0, which
   * makes them constant), and ThresholdedRelu's operator default (1) is not what ONNX Runtime
   * uses (0). Those must be given explicitly.
   */
  defaults: [number | null, number | null];
  fn: (x: Tensor, a: number, b: number) => Tensor;
}

/** x where x ≥ 0 (relu(x)), and the negative part x − relu(x) = −relu(−x). */
const negPart = (x: Tensor) => neg(relu(neg(x)));

/** The activations ONNX lists for RNN, LSTM and GRU, keyed by lower-case name. */
const SPECS: Record<string, ActivationSpec> = Object.fromEntries(
  (
    [
      { name: 'Relu', alpha: false, beta: false, defaults: [0, 0], fn: (x) => relu(x) },
      { name: 'Tanh', alpha: false, beta: false, defaults: [0, 0], fn: (x) => tanh(x) },
      { name: 'Sigmoid', alpha: false, beta: false, defaults: [0, 0], fn: (x) => sigmoid(x) },
      {
        name: 'Affine',
        alpha: true,
        beta: true,
        defaults: [null, null],
        fn: (x, a, b) => affine(x, a, b),
      },
      {
        name: 'LeakyRelu',
        alpha: true,
        beta: false,
        defaults: [0.01, 0],
        fn: (x, a) => add(relu(x), mulScalar(negPart(x), a)),
      },
      {
        name: 'ThresholdedRelu',
        alpha: true,
        beta: false,
        defaults: [null, 0],
        // x where x > alpha, else 0
        fn: (x, a) => mul(x, step(addScalar(x, -a))),
      },
      {
        name: 'ScaledTanh',
        alpha: true,
        beta: true,
        defaults: [null, null],
        fn: (x, a, b) => mulScalar(tanh(mulScalar(x, b)), a),
      },
      {
        name: 'HardSigmoid',
        alpha: true,
        beta: true,
        defaults: [0.2, 0.5],
        fn: (x, a, b) => clip(affine(x, a, b), 0, 1),
      },
      {
        name: 'Elu',
        alpha: true,
        beta: false,
        defaults: [1, 0],
        // relu(x) + alpha·(e^min(x, 0) − 1)
        fn: (x, a) => add(relu(x), mulScalar(addScalar(exp(negPart(x)), -1), a)),
      },
      {
        name: 'Softsign',
        alpha: false,
        beta: false,
        defaults: [0, 0],
        fn: (x) => div(x, addScalar(abs(x), 1)),
      },
      {
        name: 'Softplus',
        alpha: false,
        beta: false,
        defaults: [0, 0],
        // log(1 + e^x) = relu(x) + log(1 + e^−|x|), which does not overflow for large x
        fn: (x) => add(relu(x), log(addScalar(exp(neg(abs(x))), 1))),
      },
    ] satisfies ActivationSpec[]
  ).map((s) => [s.name.toLowerCase(), s]),
);

/** Each operator's activations per direction when the node gives none: f; f, g, h; f, g. */
export const DEFAULT_ACTIVATIONS: Record<'RNN' | 'LSTM' | 'GRU', readonly string[]> = {
  RNN: ['Tanh'],
  LSTM: ['Sigmoid', 'Tanh', 'Tanh'],
  GRU: ['Sigmoid', 'Tanh'],
};

/**
 * The node's activations, one list per direction, with activation_alpha and activation_beta
 * consumed in order by the activations that take them (as ONNX specifies). Throws naming the
 * node for an unknown name, a wrong count, or a parameter left out that has no settled default.
 */
export function parseActivations(
  attrs: Map<string, unknown>,
  op: 'RNN' | 'LSTM' | 'GRU',
  D: number,
  who: string,
): Activation[][] {
  const per = DEFAULT_ACTIVATIONS[op].length;
  const given = attrs.get('activations') as string[] | undefined;
  const names = given ?? Array.from({ length: D }, () => DEFAULT_ACTIVATIONS[op]).flat();
  if (names.length !== per * D)
    throw new RnnkitError(
      `${who}: activations lists ${names.length} function(s) (${names.join(', ')}); ${op} with ${D} direction(s) needs ${per * D} (${per} per direction, in the order ${DEFAULT_ACTIVATIONS[op].join(', ')})`,
    );
  const alphas = [...((attrs.get('activation_alpha') as number[] | undefined) ?? [])];
  const betas = [...((attrs.get('activation_beta') as number[] | undefined) ?? [])];
  const acts = names.map((raw): Activation => {
    const spec = SPECS[raw.toLowerCase()];
    if (!spec)
      throw new RnnkitError(
        `${who}: activation '${raw}' is not one of ONNX's recurrent activations (${Object.values(
          SPECS,
        )
          .map((s) => s.name)
          .join(', ')})`,
      );
    const take = (uses: boolean, list: number[], d: number | null, what: string) => {
      if (!uses) return 0;
      const v = list.shift() ?? d;
      if (v === null)
        throw new RnnkitError(
          `${who}: activation '${spec.name}' needs its ${what} in activation_${what}: ONNX defines no default that runtimes agree on, so rnnkit does not guess; add the value to the node's activation_${what} list`,
        );
      return v;
    };
    const alpha = take(spec.alpha, alphas, spec.defaults[0], 'alpha');
    const beta = take(spec.beta, betas, spec.defaults[1], 'beta');
    return { name: spec.name, alpha, beta };
  });
  return Array.from({ length: D }, (_, d) => acts.slice(d * per, (d + 1) * per));
}

/** Whether the activation takes an alpha and a beta (and so consumes one from each list). */
export function activationTakes(name: string): { alpha: boolean; beta: boolean } {
  const spec = SPECS[name.toLowerCase()];
  return { alpha: spec.alpha, beta: spec.beta };
}

/** Applies one parsed activation. */
export function activate(a: Activation, x: Tensor): Tensor {
  return SPECS[a.name.toLowerCase()].fn(x, a.alpha, a.beta);
}

/** `activate(a, x)` with x clipped to [−clip, clip] first when the node has a `clip`. */
export function activateClipped(a: Activation, x: Tensor, clipAt: number | undefined): Tensor {
  return activate(a, clipAt === undefined ? x : clip(x, -clipAt, clipAt));
}

/** Whether two activation lists are the same functions with the same parameters. */
export function sameActivations(a: readonly Activation[], b: readonly Activation[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => x.name === b[i].name && x.alpha === b[i].alpha && x.beta === b[i].beta)
  );
}
