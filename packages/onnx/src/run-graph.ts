import { RnnkitError, type Tensor, type TypedArray, tidy } from '@rnnkit/core';
import type { Val } from './graph-values.js';
import type { Step } from './import-recurrent.js';
import { type IntReader, PendingRead, withIntReader } from './int-reads.js';

/** Makes the pass's results (the graph outputs) from the values the steps left in `env`. */
export type Results = (env: Map<string, Val>) => Record<string, Tensor>;

const tensorsIn = (env: Map<string, Val>): Tensor[] =>
  [...env.values()].filter((v): v is Tensor => (v as { kind?: string }).kind !== 'int');

/**
 * Runs the steps in one synchronous pass inside tidy, `read` reading what the steps need as
 * integers. Used inside valueAndGrad, whose loss function is synchronous.
 */
export function runStepsSync(
  steps: readonly Step[],
  env: Map<string, Val>,
  results: Results,
  read: IntReader,
): Record<string, Tensor> {
  return tidy(() =>
    withIntReader(read, () => {
      for (const s of steps) s(env);
      return results(env);
    }),
  );
}

/**
 * Runs the steps, reading with await only. Where a step needs a float tensor's values as
 * integers, the pass stops before that step, reads the tensor with `await tensor.data()` and
 * resumes at that step (which runs again from its start: steps write `env` only once they have
 * all their inputs). Each synchronous stretch runs in its own tidy; the values it leaves in `env`
 * outlive it, and are disposed at the end unless they are results, as are the tensors in `made`
 * (the inputs run made from host data).
 */
export async function runSteps(
  steps: readonly Step[],
  env: Map<string, Val>,
  results: Results,
  made: ReadonlySet<Tensor>,
): Promise<Record<string, Tensor>> {
  const read = new Map<Tensor, TypedArray>();
  const reader: IntReader = (t) => {
    const v = read.get(t);
    if (v) return v;
    throw new PendingRead(t);
  };
  const given = new Set(tensorsIn(env).filter((t) => !made.has(t)));
  const carried = new Set<Tensor>(made);
  let out: Record<string, Tensor> | undefined;
  try {
    let from = 0;
    for (;;) {
      const stretch = tidy(() =>
        withIntReader(reader, () => {
          for (let i = from; i < steps.length; i++) {
            try {
              steps[i](env);
            } catch (e) {
              if (!(e instanceof PendingRead)) throw e;
              return { results: undefined, at: i, pending: e.tensor, live: tensorsIn(env) };
            }
          }
          return { results: results(env), at: 0, pending: undefined, live: [] };
        }),
      );
      if (stretch.results) {
        out = stretch.results;
        return stretch.results;
      }
      const { at, pending, live } = stretch;
      for (const t of live) if (!given.has(t)) carried.add(t);
      // a step reads only values of env (its inputs), which the resumed step finds again
      if (!pending || !live.includes(pending))
        throw new RnnkitError(
          `OnnxModel.run: step ${stretch.at} reads a tensor that is not a graph value`,
        );
      read.set(pending, await pending.data());
      from = at;
    }
  } finally {
    const kept = new Set(Object.values(out ?? {}));
    for (const t of carried) if (!kept.has(t)) t.dispose();
  }
}
