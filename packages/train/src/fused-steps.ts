import {
  compile,
  dispose,
  keep,
  noGrad,
  type Parameter,
  type Revertible,
  revertible,
  sameShape,
  scan,
  substitute,
  Tensor,
  tensor,
  tidy,
  valueAndGrad,
  watchDraws,
} from '@rnnkit/core';
import { batchKey, type StackedBatches, stackBatches } from './batch-stack.js';
import { clipGradNormOps, clipGradValue } from './clip.js';
import type { Carry } from './fit-types.js';
import type { FusedUpdate } from './optim/fused.js';
import { type Optimizer, updatesByDefinition } from './optim/optimizer.js';
import { type StepArgs, type StepResult, trainStep } from './train-step.js';

/** Consecutive steps' inputs: a step's, with the batches of the block. */
export interface BlockArgs<B> extends Omit<StepArgs<B>, 'batch'> {
  batches: B[];
}

/** The block's per-step results (losses, rates) and the state carried out of its last step. */
export interface BlockResult {
  steps: StepResult[];
  carry?: Carry;
}

/** Why a fit stopped fusing steps, once per fit (the Trainer's progress log shows it). */
export const fusedNotices = new WeakMap<object, string>();

class Unfusable extends Error {}

/**
 * Runs the block's steps. On a compiling backend (onnx), a run of two or more batches that stack
 * (same layout: see batchKey) becomes one call: the training step is traced once as the body of
 * a loop over the batches, the parameters, the optimizer's state and the carried state being the
 * loop's carried values, so the step's JavaScript (tracing, autograd bookkeeping) and the call
 * overhead are paid once per block. Each fused step computes what a plain step does.
 *
 * Clipping is computed in the graph as a plain step on a compiling backend computes it (clipNorm
 * by clipGradNormOps, then clipValue, in trainStep's onePass): the same ops in the same order,
 * so a block gives the bits of its steps run one per call, and grouping steps by the clock (the
 * automatic size, a resumed run) changes no result. Each step's norm is read with its loss.
 *
 * Steps that cannot be fused run one by one: other backends, an optimizer without a fused update
 * (SGD's first momentum step, a subclass that overrides step or update), the first step of a
 * carried state, and steps that draw host random numbers (dropout) or cannot be traced as a loop
 * body (a host read), found while tracing; those two end fusing for the rest of the fit with a
 * notice.
 *
 * A non-finite loss anywhere in a fused block undoes the block and runs its steps one by one, so
 * the error names the exact step and leaves the weights as they were before it.
 */
export async function trainSteps<B>(a: BlockArgs<B>): Promise<BlockResult> {
  const steps: StepResult[] = [];
  let carry = a.carry;
  /** Takes the state a step carried out; frees the one it replaced unless it was the caller's. */
  const carryOn = (next: Carry | undefined) => {
    if (carry && carry !== a.carry) dispose(carry);
    carry = a.o.tbptt ? next : undefined;
    if (!a.o.tbptt && next) dispose(next);
  };
  const single = async (k: number) => {
    const r = await trainStep({ ...a, batch: a.batches[k], carry, step: a.step + steps.length });
    steps.push({ loss: r.loss, norm: r.norm, lr: a.o.optimizer.lr });
    carryOn(r.carry);
  };
  try {
    let k = 0;
    while (k < a.batches.length) {
      const run = sameLayout(a.batches, k);
      const f = run >= 2 ? fusable(a, carry) : null;
      if (!f) {
        await single(k);
        k++;
        continue;
      }
      const block = a.batches.slice(k, k + run);
      const r = await fusedBlock(a, block, carry, f);
      if (r) {
        steps.push(...r.steps);
        carryOn(r.carry);
      } else for (let j = 0; j < run; j++) await single(k + j);
      k += run;
    }
  } catch (e) {
    if (carry && carry !== a.carry) dispose(carry);
    throw e;
  }
  return { steps, carry };
}

/** How many batches from `k` on share the layout of batch k (0 past the end). */
function sameLayout<B>(batches: readonly B[], k: number): number {
  const key = batchKey(batches[k]);
  if (key === null) return 1;
  let n = 1;
  while (k + n < batches.length && batchKey(batches[k + n]) === key) n++;
  return n;
}

/**
 * Whether this fit may still fuse steps: its parameters live on a compiling backend, its optimizer
 * updates by its definition (what a fused block traces), and no step turned out unfusable
 * (fusedNotices).
 */
export function mayFuse(o: { optimizer: Optimizer }, params: readonly Parameter[]): boolean {
  return (
    Boolean(params[0]?.backend.compile) && updatesByDefinition(o.optimizer) && !fusedNotices.has(o)
  );
}

/** The optimizer's fused update when steps from here on can be fused; null otherwise. */
function fusable<B>(a: BlockArgs<B>, carry: Carry | undefined): FusedUpdate | null {
  const { o, params } = a;
  if (!mayFuse(o, params)) return null;
  if (o.tbptt && !carry) return null;
  return o.optimizer.fused();
}

/** What a fused block fixes before tracing: its steps' learning rates and the loop's carried values. */
interface FusedPlan {
  /** Steps in the block. */
  K: number;
  /** The optimizer's step count before the block. */
  t0: number;
  lrs: number[];
  /** Indices of the trainable parameters. */
  idx: number[];
  /** The optimizer's state of each trainable parameter. */
  states: Tensor[][];
  /** Carried through the loop and updated in place on commit: trainable parameters, then states. */
  held: Tensor[];
  /** The fields of the carried state (tbptt) that the loop carries after `held`. */
  carryKeys: string[];
}

/** The traced block's outputs: each step's loss (and norm), and the state carried out. */
interface FusedOutputs {
  losses: Tensor;
  norms?: Tensor;
  next?: Carry;
}

/**
 * The block as one compiled call; null when the step turned out not to be fusable (nothing has
 * changed then) or a loss was not finite (the block is undone).
 */
async function fusedBlock<B>(
  a: BlockArgs<B>,
  batches: B[],
  carry: Carry | undefined,
  f: FusedUpdate,
): Promise<BlockResult | null> {
  const plan = planBlock(a, batches, carry, f);
  const run = traceBlock(a, batches, carry, f, plan);
  return run && (await commitBlock(a.o.optimizer, plan, run));
}

function planBlock<B>(
  { o, params }: BlockArgs<B>,
  batches: B[],
  carry: Carry | undefined,
  f: FusedUpdate,
): FusedPlan {
  const opt = o.optimizer;
  const t0 = opt.stepCount;
  const lr0 = opt.lr;
  const lrs = batches.map((_, k) => (o.schedule ? opt.baseLr * o.schedule(t0 + k) : lr0));
  const idx = params.flatMap((p, i) => (p.trainable ? [i] : []));
  const states = idx.map((i) => f.state(i));
  const held = [...idx.map((i) => params[i]), ...states.flat()];
  const carryKeys = o.tbptt && carry ? Object.keys(carry).filter((k) => carry[k]) : [];
  return { K: batches.length, t0, lrs, idx, states, held, carryKeys };
}

/**
 * Traces and runs the block, revertibly; null (with the fit's notice set) when the step cannot
 * be a loop body.
 */
function traceBlock<B>(
  a: BlockArgs<B>,
  batches: B[],
  carry: Carry | undefined,
  f: FusedUpdate,
  plan: FusedPlan,
): Revertible<FusedOutputs> | null {
  const draws = watchDraws();
  try {
    return revertible(() =>
      compile(() => tidy(() => tracedBody(a, batches, carry, f, plan, draws)))(),
    );
  } catch (e) {
    // Anything else that stops the traced step (a value read on the host inside it, an op a loop
    // body cannot hold) runs the steps one by one too: an error that is not about fusing then
    // comes again from the plain step, with its own message.
    draws.restore();
    const why =
      e instanceof Unfusable
        ? e.message
        : `the training step could not be traced as a loop body (${e instanceof Error ? e.message : String(e)})`;
    fusedNotices.set(a.o, `steps run one call each from here on: ${why}`);
    return null;
  } finally {
    draws.end();
  }
}

/** The block's graph: a loop over the stacked batches whose body is one training step. */
function tracedBody<B>(
  a: BlockArgs<B>,
  batches: B[],
  carry: Carry | undefined,
  f: FusedUpdate,
  plan: FusedPlan,
  draws: ReturnType<typeof watchDraws>,
): FusedOutputs {
  const { K, held, carryKeys } = plan;
  const stacked = stackBatches(batches);
  const table = batches.map((_, k) => f.stepScalars(plan.t0 + k + 1, plan.lrs[k]));
  const perStep = table[0].map((_, j) =>
    tensor(
      Float32Array.from(table, (row) => row[j]),
      [K, 1],
    ),
  );
  const consts = f.constants.map((c) => tensor([c], [1]));
  const S = perStep.length;
  const init = [...held, ...carryKeys.map((k) => carry![k]!)];
  const escaped: Tensor[] = [];
  const body: LoopBody<B> = { a, f, plan, stacked, consts, S, escaped };
  const r = scan((c, xs) => loopStep(body, c, xs), [...perStep, ...stacked.seqs], init);
  dispose(escaped);
  if (draws.drew) {
    throw new Unfusable(
      'the training step draws host random numbers (dropout), which one traced step would repeat',
    );
  }
  held.forEach((t, i) => {
    t.moveStorageFrom(r.carry[i]);
  });
  const next = carryKeys.length
    ? Object.fromEntries(carryKeys.map((k, j) => [k, keep(r.carry[held.length + j])]))
    : undefined;
  return { losses: keep(r.ys[0]), norms: r.ys[1] && keep(r.ys[1]), next };
}

/** What the loop body reads besides the loop's carried values and one step's slices. */
interface LoopBody<B> {
  a: BlockArgs<B>;
  f: FusedUpdate;
  plan: FusedPlan;
  stacked: StackedBatches<B>;
  consts: Tensor[];
  /** How many of a step's slices are its optimizer scalars (the rest are its batch). */
  S: number;
  /** Carried state kept past valueAndGrad's scope, freed once the loop is traced. */
  escaped: Tensor[];
}

/** One training step as the loop body: loss, gradients, clipping and the optimizer's update. */
function loopStep<B>(
  { a, f, plan, stacked, consts, S, escaped }: LoopBody<B>,
  c: Tensor[],
  xs: Tensor[],
): { carry: Tensor[]; ys: Tensor[] } {
  const { o, params } = a;
  const { idx, states, held, carryKeys } = plan;
  const s = xs.slice(0, S);
  return substitute(held, c.slice(0, held.length), () => {
    const stepCarry = carryKeys.length
      ? Object.fromEntries(carryKeys.map((k, j) => [k, c[held.length + j]]))
      : undefined;
    let next: Carry | undefined;
    const { value, grads } = valueAndGrad(() => {
      const out = o.loss(stacked.at(xs.slice(S)), stepCarry);
      const rr = out instanceof Tensor ? { loss: out } : out;
      // kept past valueAndGrad's scope, freed once the loop is traced
      next = rr.carry && Object.fromEntries(carryKeys.map((k) => [k, rr.carry?.[k]]));
      for (const t of Object.values(next ?? {})) if (t) escaped.push(keep(t));
      return rr.loss;
    }, params);
    const after = carryKeys.map((k) => next?.[k]);
    if (after.some((t, j) => !t || !sameTensorType(t, c[held.length + j]))) {
      throw new Unfusable('the carried state changes its fields or shapes');
    }
    let g = grads;
    let norm: Tensor | undefined;
    if (o.clipNorm) ({ grads: g, norm } = clipGradNormOps(g, o.clipNorm));
    if (o.clipValue) g = clipGradValue(g, o.clipValue);
    const upd = noGrad(() => idx.map((i, j) => f.ops(params[i], g[i], states[j], s, consts)));
    return {
      carry: [...upd.map((u) => u.param), ...upd.flatMap((u) => u.state), ...(after as Tensor[])],
      ys: norm ? [value, norm] : [value],
    };
  });
}

/**
 * Reads the block's losses: commits the block (and advances the optimizer's step count and rate,
 * set only then) when all are finite; otherwise, or when the read fails, undoes it.
 */
async function commitBlock(
  opt: Optimizer,
  { K, t0, lrs }: FusedPlan,
  run: Revertible<FusedOutputs>,
): Promise<BlockResult | null> {
  const { losses, norms, next } = run.result;
  const undo = () => {
    run.revert();
    if (next) dispose(next);
  };
  let values: Float32Array;
  let normValues: Float32Array | undefined;
  try {
    values = (await losses.data()) as Float32Array;
    if (norms) normValues = (await norms.data()) as Float32Array;
  } catch (e) {
    undo();
    throw e;
  } finally {
    dispose([losses, norms]);
  }
  if (!values.every(Number.isFinite)) {
    undo();
    return null;
  }
  run.commit();
  opt.stepCount = t0 + K;
  opt.lr = lrs[K - 1];
  return {
    steps: Array.from(values, (loss, k) => ({ loss, lr: lrs[k], norm: normValues?.[k] })),
    carry: next,
  };
}

function sameTensorType(a: Tensor, b: Tensor): boolean {
  return a.dtype === b.dtype && sameShape(a.shape, b.shape);
}
