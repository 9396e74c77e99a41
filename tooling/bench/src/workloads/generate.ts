import { CharLM } from '@rnnkit/cells';
import { manualSeed, Rng, softmax, tensor, tidy } from '@rnnkit/core';
import { type BenchRow, clock, cpuShare, liveTensors, median, type Workload } from '../harness.js';
import { sampleIndex, shakespeareIds } from '../text.js';
import { charLstmOptions } from './char-lstm.js';

export const CHARS = 500;
/**
 * Characters sampled before timing (in runs of CHARS), for rnnkit and its tfjs-layers peer alike:
 * the steady rate, as a long generation sees it. V8 keeps tiering up the per-character code for
 * thousands of characters: per 500-character block, the JS backend went 200, 144, 167, 146, 95,
 * 97, ... 87 µs a character and tfjs-wasm 359, 249, 167, 153, 170, 127, ... 88. The first 50
 * used at first timed the warm-up. The notes keep the cold rate (the warm-up's) too.
 */
export const WARMUP = 5000;

/**
 * Sampling from the char-lstm model one character at a time: CharLM.stepper() carries the state,
 * softmax on the backend, the draw on the host with a seeded Rng (temperature 1). The weights are
 * freshly initialised: the speed of a step does not depend on their values.
 */
export const generateWorkload: Workload = {
  name: 'generate',
  description:
    'char-lstm model (emb 128, LSTM 128) sampling 500 chars one at a time with carried state, after 5,000 chars of warm-up: chars/s (median of 5 runs; quick: 1)',
  async run(ctx) {
    const { vocab } = shakespeareIds(ctx.corpus());
    manualSeed(0);
    const model = new CharLM({ ...charLstmOptions(vocab.size), rng: new Rng(0) });
    model.eval();
    const start = vocab.chars.indexOf('\n');
    /** Samples n characters from a newline; returns the milliseconds it took. */
    const sample = (n: number, rng: Rng): number => {
      let token = start;
      const t0 = performance.now();
      const stepper = model.stepper();
      for (let i = 0; i < n; i++) {
        const probs = tidy(() =>
          softmax(stepper.step(tensor(Int32Array.of(token), [1], 'int32'))).dataSync(),
        );
        token = sampleIndex(probs, rng);
      }
      stepper.dispose();
      return performance.now() - t0;
    };
    /** One benchmark row from a way of sampling. */
    const measure = async (
      metric: string,
      once: (n: number, rng: Rng) => number | Promise<number>,
    ): Promise<BenchRow> => ({
      workload: 'generate',
      backend: ctx.backend,
      metric: `${metric} (${CHARS} chars, batch 1)`,
      unit: 'chars/s',
      // warm-up (builds the graphs on onnx, lets the JIT settle)
      ...(await timeSampling(once, ctx.quick, liveTensors)),
    });
    // The same model sampling with the draws inside one loop (CharLMStepper.sample): one graph
    // call for all the characters on a compiling backend (onnx), a plain loop elsewhere.
    const startIds = Int32Array.of(start);
    const inLoop = async (n: number, rng: Rng): Promise<number> => {
      const t1 = performance.now();
      const stepper = model.stepper();
      await stepper.sample(startIds, n, { rng }); // the ids are read back (awaited) in the time
      stepper.dispose();
      return performance.now() - t1;
    };
    return [
      await measure('sampling throughput, draws in the loop', inLoop),
      await measure('sampling throughput', sample),
    ];
  },
};

/**
 * The figures of one sampling row, for rnnkit and its tfjs-layers peer alike: WARMUP characters
 * in runs of CHARS (the first run's rate kept as the cold rate), then `runs` timed runs of CHARS;
 * `live` counts live tensors, for the growth over the timed runs.
 */
export async function timeSampling(
  once: (n: number, rng: Rng) => number | Promise<number>,
  quick: boolean,
  live: () => number,
): Promise<{ value: number; notes: Record<string, number> }> {
  const cold: number[] = [];
  for (let done = 0; done < (quick ? CHARS : WARMUP); done += CHARS) {
    cold.push(await once(CHARS, new Rng(1)));
  }
  const runs = quick ? 1 : 5;
  const before = live();
  const t0 = clock();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) times.push(await once(CHARS, new Rng(42)));
  const cpu = cpuShare(t0, clock());
  return {
    value: (CHARS * 1000) / median(times),
    notes: {
      msPerChar: median(times) / CHARS,
      runs,
      coldCharsPerS: Math.round((CHARS * 1000) / cold[0]),
      tensorGrowth: live() - before,
      cpuShare: cpu,
    },
  };
}
