import { SequenceRegressor } from '@rnnkit/cells';
import {
  type Backend,
  type HostTensor,
  type Module,
  Rng,
  setBackend,
  type Tensor,
  tensor,
  useBackend,
} from '@rnnkit/core';
import { Adam, mseLoss, type Optimizer, Trainer } from '@rnnkit/train';
import { afterAll, describe, expect, it } from 'vitest';

// module.to(backend) between two real backends: shared by the backend packages' own test files
// (not part of runConformance, whose one backend need not come with the JS backend beside it).

// Reads are asynchronous by contract: the backend under test need not read synchronously.
const bits = async (t: Tensor) =>
  Array.from(new Uint32Array(Float32Array.from(await t.data()).buffer));
const allBits = (ts: Tensor[]) => Promise.all(ts.map(bits));
const hostWeights = async (m: Module): Promise<Record<string, HostTensor>> =>
  Object.fromEntries(
    await Promise.all(
      m
        .namedParameters()
        .map(async ([n, p]) => [n, { shape: p.shape, data: Float32Array.from(await p.data()) }]),
    ),
  );

const build = (be: Backend) =>
  new SequenceRegressor({
    cell: 'lstm',
    inputSize: 1,
    hiddenSize: 5,
    outputSize: 1,
    rng: new Rng(4),
    backend: be,
  });

/** Windows of a sine: x [4, 6, 1], y [4, 1], the same for every call, made on `be` as consumed. */
function source(be: Backend, n: number) {
  const r = new Rng(9);
  const data = Array.from({ length: n }, () => {
    const phase = Array.from({ length: 4 }, () => r.random() * 6);
    const x = phase.flatMap((p) => Array.from({ length: 6 }, (_, t) => Math.sin(p + t * 0.3)));
    const y = phase.map((p) => Math.sin(p + 6 * 0.3));
    return { x, y };
  });
  return {
    numBatches: () => n,
    *batches() {
      for (const d of data)
        yield { x: tensor(d.x, [4, 6, 1], 'float32', be), y: tensor(d.y, [4, 1], 'float32', be) };
    },
  };
}

async function trainSteps(
  model: SequenceRegressor,
  optimizer: Optimizer,
  be: Backend,
  steps: number,
) {
  const losses: number[] = [];
  await new Trainer().fit({
    model,
    optimizer,
    loss: (b: { x: Tensor; y: Tensor }) => mseLoss(model.forward(b.x), b.y),
    train: source(be, steps),
    progress: 'none',
    callbacks: [{ onStep: (s) => losses.push(s.loss) }],
  });
  return losses;
}

/** Trains on `from`, moves to `to`, and checks the move against a model built on `to`. */
async function moveAndCompare(fromName: string, toName: string) {
  const to = await setBackend(toName);
  const from = await setBackend(fromName);
  const moved = build(from);
  const optMoved = new Adam(moved.parameters(), { lr: 0.02 });
  await trainSteps(moved, optMoved, from, 3); // Adam's m and v now exist on `from`
  const named = moved.namedParameters();
  const before = await allBits(named.map(([, p]) => p));
  const weights = await hostWeights(moved);
  const state = await optMoved.stateDict();

  expect(await moved.to(toName)).toBe(moved);
  expect(named.map(([n, p]) => [n, p.backend])).toEqual(named.map(([n]) => [n, to]));
  expect(await allBits(named.map(([, p]) => p))).toEqual(before);

  const fresh = build(to);
  fresh.loadStateDict(weights);
  const optFresh = new Adam(fresh.parameters(), { lr: 0.02 });
  optFresh.loadStateDict(state);

  const lossesMoved = await trainSteps(moved, optMoved, to, 4);
  const lossesFresh = await trainSteps(fresh, optFresh, to, 4);
  expect(lossesMoved).toHaveLength(4);
  expect(lossesMoved).toEqual(lossesFresh);
  expect(lossesMoved.every(Number.isFinite)).toBe(true);
  expect(await allBits(moved.parameters())).toEqual(await allBits(fresh.parameters()));
  // the optimizer's state followed its parameters
  expect(await optMoved.stateDict()).toEqual(await optFresh.stateDict());
}

/**
 * Registers the tests of `module.to(backend)` between the JS backend and the backend registered
 * under `name`, both ways: parameters and Adam's state move bit for bit, and training goes on
 * exactly as a model built on the target backend from the same weights would; a model used with
 * tensors of another backend fails with an error naming `.to()`. Both backends must be
 * registered by the calling test file (import '@rnnkit/backend-js' and the backend's package);
 * the JS backend is selected again after the tests.
 */
export function runMoveToTests(name: string): void {
  const quoted = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  describe(`module.to between js and ${name}`, () => {
    afterAll(() => {
      useBackend('js');
    });

    it(`js → ${name}: weights bit for bit; training after the move matches a model built on ${name}`, async () => {
      await moveAndCompare('js', name);
    });

    it(`${name} → js: the same the other way`, async () => {
      await moveAndCompare(name, 'js');
    });

    it(`a model built before setBackend("${name}") fails with an error naming .to(), and works after it`, async () => {
      const js = useBackend('js');
      const model = build(js);
      const other = await setBackend(name);
      const x = tensor(new Float32Array(4 * 6), [4, 6, 1]); // on the selected backend, `name`
      expect(x.backend).toBe(other);
      expect(() => model.forward(x)).toThrow(
        new RegExp(
          `inputs live on different backends .*model\\.to\\('${quoted}'\\) moves a model's parameters`,
        ),
      );
      await model.to(name);
      expect((await model.forward(x).data()).length).toBe(4);
    });
  });
}
