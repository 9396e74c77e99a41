import '@rnnkit/backend-js';
import { RnnkitError, tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { crossEntropy, mseLoss } from './losses.js';
import { Adam, AdamW } from './optim/adam.js';
import { RMSprop } from './optim/rmsprop.js';
import { SGD } from './optim/sgd.js';
import { cosine, stepDecay, warmup } from './schedules.js';
import { regressionLoss, regressor, sineData } from './test-utils/sine.js';
import { Trainer } from './trainer.js';

/** Every public constructor and options-taking function of @rnnkit/train checks its arguments. */

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RnnkitError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const params = () => regressor(1).parameters();
type MakeOpt = (p: unknown, o?: unknown) => unknown;
const optimizers: [string, MakeOpt, Record<string, unknown>][] = [
  ['Adam', (p, o) => new Adam(p as never, o as never), { lr: 0.1 }],
  ['AdamW', (p, o) => new AdamW(p as never, o as never), { lr: 0.1 }],
  ['SGD', (p, o) => new SGD(p as never, o as never), { lr: 0.1 }],
  ['RMSprop', (p, o) => new RMSprop(p as never, o as never), { lr: 0.1 }],
];

describe.each(optimizers)('new %s(params, options)', (name, make, good) => {
  it('the issue example: no parameters at all says what was expected', () => {
    expect(message(() => make(undefined, good))).toBe(
      `${name}: expected the parameters to optimize as an array of Parameters (model.parameters()), got undefined`,
    );
  });

  it('a model instead of its parameters, or an array of something else, is named', () => {
    expect(message(() => make(regressor(1), good))).toContain('got an object (SequenceRegressor)');
    expect(message(() => make([1, 2], good))).toContain('got an array holding number 1');
  });

  it('options must be an object; PyTorch spellings name the camelCase key', () => {
    expect(message(() => make(params(), 0.1))).toMatch(
      new RegExp(`^${name}: expected an options object \\{ .* \\}, got number 0.1`),
    );
    expect(message(() => make(params(), { ...good, weight_decay: 0.1 }))).toContain(
      `${name}: unknown option 'weight_decay' (did you mean 'weightDecay'?)`,
    );
    expect(() => make(params(), good)).not.toThrow();
  });
});

describe('PyTorch spellings in optimizer options', () => {
  it.each([
    ['Adam', 'learning_rate', undefined, () => new Adam(params(), { learning_rate: 0.1 } as never)],
    ['Adam', 'Betas', 'betas', () => new Adam(params(), { Betas: [0.9, 0.99] } as never)],
    ['Adam', 'epsilon', undefined, () => new Adam(params(), { epsilon: 1e-6 } as never)],
    ['SGD', 'nestrov', 'nesterov', () => new SGD(params(), { lr: 0.1, nestrov: true } as never)],
    ['RMSprop', 'Alpha', 'alpha', () => new RMSprop(params(), { Alpha: 0.9 } as never)],
  ])('%s: %s → %s', (name, wrong, meant, make) => {
    const m = message(make);
    expect(m).toContain(`${name}: unknown option '${wrong}'`);
    if (meant) expect(m).toContain(`(did you mean '${meant}'?)`);
    expect(m).toContain(`${name} accepts lr,`);
  });
});

describe('losses take { reduction }', () => {
  const a = tensor([1, 2, 3, 4], [2, 2]);
  it('an unknown key or a non-object is named', () => {
    expect(message(() => mseLoss(a, a, { Reduction: 'sum' } as never))).toContain(
      "mseLoss: unknown option 'Reduction' (did you mean 'reduction'?)",
    );
    expect(message(() => mseLoss(a, a, 'sum' as never))).toContain(
      "mseLoss: expected an options object { … }, got the string 'sum'",
    );
    const logits = tensor([1, 2, 3, 4], [2, 2]);
    const labels = tensor(Int32Array.from([0, 1]), [2], 'int32');
    expect(
      message(() => crossEntropy(logits, labels, { label_smoothing: 0.1 } as never)),
    ).toContain("crossEntropy: unknown option 'label_smoothing'");
  });
});

describe('schedules take numbers in order', () => {
  it('an options object (PyTorch keyword style) names the call', () => {
    expect(message(() => stepDecay({ stepSize: 10 } as never))).toBe(
      'stepDecay: stepSize must be positive, got an object (Object); call stepDecay(stepSize, gamma?)',
    );
    expect(message(() => cosine({ T_max: 100 } as never))).toContain(
      'cosine: totalSteps must be positive, got an object (Object)',
    );
    expect(message(() => stepDecay(10, '0.5' as never))).toContain(
      "gamma must be a finite number, got the string '0.5'",
    );
    expect(message(() => warmup(10, 5 as never))).toContain(
      'warmup: after must be a schedule (a function such as cosine(1000)), got number 5',
    );
  });
});

describe('Trainer', () => {
  it('takes no constructor options (they go to fit)', () => {
    const T = Trainer as unknown as new (o: unknown) => Trainer;
    expect(message(() => new T({ epochs: 3 }))).toContain(
      'Trainer takes no constructor options, got an object (Object); pass them to fit',
    );
  });

  it('fit names unknown keys, also inside checkpoint and earlyStopping', async () => {
    const model = regressor(1);
    const { train } = sineData();
    const base = {
      model,
      optimizer: new Adam(model.parameters()),
      loss: regressionLoss(model),
      train,
      progress: 'none' as const,
    };
    const fit = (o: unknown) => new Trainer().fit(o as never);
    await expect(fit({ ...base, max_epochs: 2 })).rejects.toThrow(
      "Trainer.fit: unknown option 'max_epochs'; Trainer.fit accepts model, optimizer",
    );
    await expect(fit({ ...base, max_steps: 2 })).rejects.toThrow(
      "Trainer.fit: unknown option 'max_steps' (did you mean 'maxSteps'?)",
    );
    await expect(fit({ ...base, clip_norm: 1 })).rejects.toThrow("(did you mean 'clipNorm'?)");
    await expect(fit({ ...base, earlyStopping: { patience: 2, min_delta: 0.1 } })).rejects.toThrow(
      "Trainer.fit earlyStopping: unknown option 'min_delta' (did you mean 'minDelta'?)",
    );
    await expect(fit({ ...base, checkpoint: 'runs/x' })).rejects.toThrow(
      "Trainer.fit checkpoint: expected an options object { dir, … }, got the string 'runs/x'",
    );
    await expect(fit(undefined)).rejects.toThrow(
      'Trainer.fit: expected an options object { model, optimizer, loss, train, … }, got undefined',
    );
  });
});
