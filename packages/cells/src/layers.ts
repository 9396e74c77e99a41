import {
  type Backend,
  checkOptions,
  describeValue,
  dropout,
  fmtShape,
  gather,
  getBackend,
  init,
  linear,
  Module,
  type OptionKeys,
  Parameter,
  type Rng,
  RnnkitError,
  ShapeError,
  type Tensor,
} from '@rnnkit/core';
import { checkBool, checkDropout, checkPositiveInt } from './options.js';

export interface LinearOptions {
  inFeatures: number;
  outFeatures: number;
  bias?: boolean;
  rng?: Rng;
  backend?: Backend;
}

const LINEAR_KEYS: OptionKeys<LinearOptions> = {
  inFeatures: 'required',
  outFeatures: 'required',
  bias: 'optional',
  rng: 'optional',
  backend: 'optional',
};

/**
 * PyTorch's nn.Linear: y = x·weightᵀ + bias with weight [outFeatures, inFeatures] and bias
 * [outFeatures], both initialised uniform(−1/√inFeatures, 1/√inFeatures).
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(o: LinearOptions) {
    super();
    checkOptions('Linear', o, LINEAR_KEYS);
    checkPositiveInt('Linear', 'inFeatures', o.inFeatures);
    checkPositiveInt('Linear', 'outFeatures', o.outFeatures);
    checkBool('Linear', 'bias', o.bias);
    this.inFeatures = o.inFeatures;
    this.outFeatures = o.outFeatures;
    const k = 1 / Math.sqrt(o.inFeatures);
    const io = { rng: o.rng, backend: o.backend ?? getBackend() };
    this.weight = new Parameter(init.uniform([o.outFeatures, o.inFeatures], -k, k, io));
    this.bias = o.bias === false ? null : new Parameter(init.uniform([o.outFeatures], -k, k, io));
  }

  /** x [..., inFeatures] → [..., outFeatures]. */
  forward(x: Tensor): Tensor {
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.inFeatures)
      throw new ShapeError(
        `Linear: input must be [..., ${this.inFeatures}], got ${fmtShape(x.shape)}; the last dimension must equal inFeatures ${this.inFeatures}`,
      );
    return linear(x, this.weight, this.bias);
  }
}

export interface EmbeddingOptions {
  numEmbeddings: number;
  embeddingDim: number;
  rng?: Rng;
  backend?: Backend;
}

const EMBEDDING_KEYS: OptionKeys<EmbeddingOptions> = {
  numEmbeddings: 'required',
  embeddingDim: 'required',
  rng: 'optional',
  backend: 'optional',
};

/** PyTorch's nn.Embedding: weight [numEmbeddings, embeddingDim] initialised N(0, 1). */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  weight: Parameter;

  constructor(o: EmbeddingOptions) {
    super();
    checkOptions('Embedding', o, EMBEDDING_KEYS);
    checkPositiveInt('Embedding', 'numEmbeddings', o.numEmbeddings);
    checkPositiveInt('Embedding', 'embeddingDim', o.embeddingDim);
    this.numEmbeddings = o.numEmbeddings;
    this.embeddingDim = o.embeddingDim;
    this.weight = new Parameter(
      init.normal([o.numEmbeddings, o.embeddingDim], 0, 1, {
        rng: o.rng,
        backend: o.backend ?? getBackend(),
      }),
    );
  }

  /** int32 indices of any shape → [..., embeddingDim]. */
  forward(indices: Tensor): Tensor {
    if (indices.dtype !== 'int32') {
      throw new ShapeError(`Embedding: indices must be int32, got ${indices.dtype}`);
    }
    return gather(this.weight, indices);
  }
}

/** Inverted dropout, active only in training mode. */
export class Dropout extends Module {
  constructor(
    readonly p: number,
    private readonly rng?: Rng,
  ) {
    super();
    // PyTorch's nn.Dropout(p=0.5) reads as an object in JavaScript; rnnkit's takes p itself
    if (typeof p !== 'number')
      throw new RnnkitError(
        `Dropout: p must be a probability in [0, 1) passed as a number (new Dropout(0.5)), got ${describeValue(p)}`,
      );
    checkDropout('Dropout', p);
  }

  forward(x: Tensor): Tensor {
    return this.training && this.p > 0 ? dropout(x, this.p, this.rng) : x;
  }
}
