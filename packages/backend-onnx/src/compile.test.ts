import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@rnnkit/backend-js';
import { CharLM, fromTorchName, GRU, LSTM, type RecurrentLayer, RNN } from '@rnnkit/cells';
import {
  add,
  affine,
  type Backend,
  compile,
  dispose,
  getBackend,
  matmul,
  mul,
  Rng,
  registerBackend,
  sum,
  type Tensor,
  tanh,
  tensor,
  useBackend,
  valueAndGrad,
} from '@rnnkit/core';
import { decodeModel } from '@rnnkit/onnx/format';
import { Adam } from '@rnnkit/train';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OnnxBackend } from './backend.js';
import { createOnnxBackend } from './index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CELLS = join(HERE, '../../cells/fixtures');
const ADAM = join(HERE, '../fixtures');
type Entry = { shape: number[]; data: number[] };
const load = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

let onnx: OnnxBackend;
let js: Backend;
beforeAll(() => {
  registerBackend('onnx-1t', () => createOnnxBackend('onnx', { threads: 1 }));
  onnx = useBackend('onnx-1t') as OnnxBackend;
  js = useBackend('js');
});

/** Runs `fn` with `be` as the current backend (compile and tensor creation use it). */
function on<T>(be: Backend, fn: () => T): T {
  const prev = getBackend();
  useBackend(be === onnx ? 'onnx-1t' : be.name);
  try {
    return fn();
  } finally {
    useBackend(prev === onnx ? 'onnx-1t' : prev.name);
  }
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('compile on onnx', () => {
  it('runs a traced function as one graph and reuses it', () => {
    const run = (be: Backend) =>
      on(be, () => {
        const w = tensor(Float32Array.from([0.5, -1, 2, 0.25]), [2, 2]);
        const f = compile((x: Tensor) => tanh(add(matmul(x, w), x)));
        const x = tensor(Float32Array.from([1, 2, 3, 4]), [2, 2]);
        const a = f(x).dataSync();
        const b = f(x).dataSync();
        return [Array.from(a), Array.from(b)];
      });
    const builds = onnx.graphs.builds;
    const [a, b] = run(onnx);
    expect(onnx.graphs.builds).toBe(builds + 1);
    const [ja] = run(js);
    expect(maxAbs(a, ja)).toBeLessThan(1e-6);
    expect(b).toEqual(a);
  });

  it('feeds equal scalars as one input, and gives a trace whose scalars coincide differently a graph of its own', () =>
    on(onnx, () => {
      const x = tensor(Float32Array.from([1, -2, 3]), [3]);
      const f = compile((a: number, b: number) => add(affine(x, a, b), affine(x, b, a)));
      const inputs = () => decodeModel(onnx.graphs.last!.model).graph!.input.length;
      const builds = onnx.graphs.builds;
      expect(Array.from(f(2, 2).dataSync())).toEqual([8, -4, 16]);
      expect(inputs()).toBe(2); // x and the one scalar 2
      expect(onnx.graphs.last!.loops).toBe(false);
      expect(Array.from(f(3, 3).dataSync())).toEqual([12, -6, 24]); // same pattern: same graph
      expect(onnx.graphs.builds).toBe(builds + 1);
      // a ≠ b: the shared input would be wrong here, so the trace must not match that graph
      expect(Array.from(f(2, 5).dataSync())).toEqual([14, -7, 28]);
      expect(onnx.graphs.builds).toBe(builds + 2);
      expect(inputs()).toBe(3);
    }));
});

type Kind = 'rnn' | 'lstm' | 'lstm-peephole' | 'gru' | 'gru-reset-before';

function makeLayer(be: Backend, kind: Kind, o: { layers: number; bidi: boolean; bias?: boolean }) {
  const opts = {
    inputSize: 4,
    hiddenSize: 6,
    numLayers: o.layers,
    bidirectional: o.bidi,
    bias: o.bias ?? true,
    batchFirst: true,
    backend: be,
  };
  if (kind === 'rnn') return new RNN({ ...opts, nonlinearity: 'tanh' });
  if (kind.startsWith('lstm')) return new LSTM({ ...opts, peephole: kind === 'lstm-peephole' });
  return new GRU({ ...opts, resetAfter: kind === 'gru' });
}

/** Fixed, backend-independent weights. */
function setWeights(layer: RecurrentLayer): void {
  layer.loadStateDict(
    Object.fromEntries(
      layer.namedParameters().map(([n, p], i) => [
        n,
        {
          shape: [...p.shape],
          data: Float32Array.from({ length: p.size }, (_, j) => Math.sin(i * 7.1 + j) * 0.4),
        },
      ]),
    ),
  );
}

/** One training step: fixed loss L = sum(y·wy) + sum(hn·wh) [+ sum(cn·wc)], then Adam. */
function trainStep(layer: RecurrentLayer, opt: Adam, x: Tensor, w: Tensor[]) {
  const params = layer.parameters();
  const { value, grads } = valueAndGrad(() => {
    const r = layer.forward(x, { h: w[3], c: w[4] });
    let l = add(sum(mul(r.output, w[0])), sum(mul(r.state.h, w[1])));
    if (r.state.c) l = add(l, sum(mul(r.state.c, w[2])));
    return l;
  }, params);
  opt.step(grads);
  dispose(grads);
  return value;
}

describe('compiled training step against PyTorch (one Adam step, float64 reference)', () => {
  for (const name of ['rnn_tanh', 'lstm', 'gru', 'lstm_2l_nobias']) {
    it(name, () =>
      on(onnx, () => {
        const fx = load(join(CELLS, `${name}.json`));
        const ref = load(join(ADAM, `adam_${name}.json`));
        const c = fx.config;
        const T = (k: string) =>
          tensor(Float32Array.from(fx.tensors[k].data), fx.tensors[k].shape, 'float32', onnx);
        const kind: Kind = c.mode === 'LSTM' ? 'lstm' : c.mode === 'GRU' ? 'gru' : 'rnn';
        const layer = makeLayer(onnx, kind, {
          layers: c.num_layers,
          bidi: c.bidirectional,
          bias: c.bias,
        });
        const names = Object.keys(fx.tensors).filter((k) => /^(weight|bias)_/.test(k));
        layer.loadStateDict(Object.fromEntries(names.map((k) => [fromTorchName(k), T(k)])));
        const lstm = kind === 'lstm';
        const w = [T('wy'), T('wh'), lstm ? T('wc') : T('wh'), T('h0'), lstm ? T('c0') : undefined];
        const opt = new Adam(layer.parameters(), { lr: 0.01 });
        const step = compile((x: Tensor) => trainStep(layer, opt, x, w as Tensor[]));
        const builds = onnx.graphs.builds;
        const loss = step(T('x')).item();
        expect(onnx.graphs.builds).toBe(builds + 1);
        expect(Math.abs(loss - ref.loss) / (1 + Math.abs(ref.loss))).toBeLessThan(1e-5);
        const after = Object.fromEntries(layer.namedParameters());
        for (const k of names) {
          const got = after[fromTorchName(k)].dataSync();
          expect(maxAbs(got, (ref.after[k] as Entry).data), k).toBeLessThan(1e-5);
        }
      }),
    );
  }
});

const CONFIGS: { kind: Kind; layers: number; bidi: boolean }[] = [
  { kind: 'rnn', layers: 1, bidi: false },
  { kind: 'lstm', layers: 1, bidi: false },
  { kind: 'lstm-peephole', layers: 2, bidi: true },
  { kind: 'gru', layers: 2, bidi: false },
  { kind: 'gru-reset-before', layers: 1, bidi: true },
  { kind: 'lstm', layers: 2, bidi: true },
];

describe('compiled training steps match the JS backend (three Adam steps)', () => {
  for (const cfg of CONFIGS) {
    it(`${cfg.kind}, ${cfg.layers} layer(s)${cfg.bidi ? ', bidirectional' : ''}`, () => {
      const run = (be: Backend, compiled: boolean) =>
        on(be, () => {
          const layer = makeLayer(be, cfg.kind, cfg);
          setWeights(layer);
          const D = cfg.bidi ? 2 : 1;
          const B = 3;
          const L = 5;
          const fill = (shape: number[], k: number) =>
            tensor(
              Float32Array.from({ length: shape.reduce((a, b) => a * b) }, (_, j) =>
                Math.cos(j * 0.37 + k),
              ),
              shape,
            );
          const w = [
            fill([B, L, D * 6], 1),
            fill([D * cfg.layers, B, 6], 2),
            fill([D * cfg.layers, B, 6], 3),
            fill([D * cfg.layers, B, 6], 4),
            cfg.kind.startsWith('lstm') ? fill([D * cfg.layers, B, 6], 5) : undefined,
          ];
          const opt = new Adam(layer.parameters(), { lr: 0.01 });
          const body = (x: Tensor) => trainStep(layer, opt, x, w as Tensor[]);
          const step = compiled ? compile(body) : body;
          const losses: number[] = [];
          for (let s = 0; s < 3; s++) losses.push(step(fill([B, L, 4], 10 + s)).item());
          const params = layer.parameters().map((p) => Array.from(p.dataSync()));
          return { losses, params };
        });
      const a = run(onnx, true);
      const b = run(js, false);
      expect(maxAbs(a.losses, b.losses)).toBeLessThan(1e-4);
      a.params.forEach((p, i) => {
        expect(maxAbs(p, b.params[i])).toBeLessThan(1e-5);
      });
    });
  }

  it('keeps time a loop: the graph has Scan nodes and the same size for any sequence length', () => {
    const data: number[] = [];
    const sizes = [5, 40].map((L) =>
      on(onnx, () => {
        const layer = makeLayer(onnx, 'lstm', { layers: 1, bidi: false });
        const opt = new Adam(layer.parameters(), { lr: 0.01 });
        const x = tensor(new Float32Array(2 * L * 4).fill(0.1), [2, L, 4]);
        const w = [
          tensor(new Float32Array(2 * L * 6).fill(1), [2, L, 6]),
          tensor(new Float32Array(12).fill(1), [1, 2, 6]),
          tensor(new Float32Array(12).fill(1), [1, 2, 6]),
          tensor(new Float32Array(12), [1, 2, 6]),
          tensor(new Float32Array(12), [1, 2, 6]),
        ];
        compile(() => trainStep(layer, opt, x, w))();
        expect(onnx.graphs.last!.loops).toBe(true);
        const model = decodeModel(onnx.graphs.last!.model);
        const ops = model.graph!.node.map((n) => n.op_type);
        expect(ops.filter((o) => o === 'Scan').length).toBe(2);
        data.push(onnx.graphs.last!.dataElements);
        return model.graph!.node.length;
      }),
    );
    // dataElements counts the loops' sequences besides the inputs: it grows by more than x's
    // and the first target's 2·4 + 2·6 elements a time step
    expect(data[1] - data[0]).toBeGreaterThan(35 * (2 * 4 + 2 * 6));
    expect(sizes[1]).toBe(sizes[0]);
  });

  // The gates' derivatives read only saved activations, so they are computed once for all steps
  // outside the backward loop (hoist.ts), which is left with what needs the carried gradient.
  for (const [kind, most] of [
    ['rnn', 3],
    ['lstm', 8],
    ['gru', 9],
  ] as const) {
    it(`a ${kind}'s backward loop keeps at most ${most} nodes a step`, () =>
      on(onnx, () => {
        const L = 7;
        const layer = makeLayer(onnx, kind, { layers: 1, bidi: false });
        const opt = new Adam(layer.parameters(), { lr: 0.01 });
        const x = tensor(new Float32Array(2 * L * 4).fill(0.1), [2, L, 4]);
        const w = [
          tensor(new Float32Array(2 * L * 6).fill(1), [2, L, 6]),
          ...(kind === 'lstm' ? [1, 1, 0, 0] : [1, 1, 0]).map((v) =>
            tensor(new Float32Array(12).fill(v), [1, 2, 6]),
          ),
        ];
        compile(() => trainStep(layer, opt, x, w))();
        const scans = decodeModel(onnx.graphs.last!.model).graph!.node.filter(
          (n) => n.op_type === 'Scan',
        );
        const backward = scans.find((n) =>
          n.attribute?.some((a) => a.name === 'scan_input_directions'),
        )!;
        const body = backward.attribute!.find((a) => a.name === 'body')!.g!;
        expect(body.node.length).toBeLessThanOrEqual(most);
      }));
  }

  // lstm-gates.ts: tanh(z) of the cell gate as 2σ(2z) − 1, so a step has one Sigmoid over all
  // four gates, no Tanh over them, and saves the Sigmoid's result instead of a Concat
  it("an lstm's forward loop takes the cell gate from its one Sigmoid and saves that", () =>
    on(onnx, () => {
      const L = 9; // a length no other test traces: a graph built here, not one from the cache
      const layer = makeLayer(onnx, 'lstm', { layers: 1, bidi: false });
      const opt = new Adam(layer.parameters(), { lr: 0.01 });
      const x = tensor(new Float32Array(2 * L * 4).fill(0.1), [2, L, 4]);
      const w = [
        tensor(new Float32Array(2 * L * 6).fill(1), [2, L, 6]),
        ...[1, 1, 0, 0].map((v) => tensor(new Float32Array(12).fill(v), [1, 2, 6])),
      ];
      const builds = onnx.graphs.builds;
      compile(() => trainStep(layer, opt, x, w))();
      expect(onnx.graphs.builds).toBeGreaterThan(builds);
      const scans = decodeModel(onnx.graphs.last!.model).graph!.node.filter(
        (n) => n.op_type === 'Scan',
      );
      const forward = scans.find(
        (n) => !n.attribute?.some((a) => a.name === 'scan_input_directions'),
      )!;
      const ops = forward.attribute!.find((a) => a.name === 'body')!.g!.node.map((n) => n.op_type);
      expect(ops.filter((o) => o === 'Sigmoid')).toHaveLength(1);
      expect(ops.filter((o) => o === 'Tanh')).toHaveLength(1); // tanh(c) only
      expect(ops).not.toContain('Concat');
    }));
});

describe('compile splits at readbacks', () => {
  it('a value read between the forward and the backward: the backward recomputes the steps', () => {
    const grads = (be: Backend) =>
      on(be, () => {
        const layer = makeLayer(be, 'lstm', { layers: 2, bidi: true });
        setWeights(layer);
        const x = tensor(
          Float32Array.from({ length: 3 * 5 * 4 }, (_, i) => Math.sin(i)),
          [3, 5, 4],
        );
        const w = tensor(
          Float32Array.from({ length: 3 * 5 * 12 }, (_, i) => Math.cos(i)),
          [3, 5, 12],
        );
        let seen = 0;
        const step = compile(() =>
          valueAndGrad(() => {
            const l = sum(mul(layer.forward(x).output, w));
            seen = l.item(); // runs the graph so far: the backward is traced into a second graph
            return l;
          }, layer.parameters()),
        );
        const r = step();
        return { seen, value: r.value.item(), grads: r.grads.map((g) => Array.from(g.dataSync())) };
      });
    const before = onnx.graphs.builds;
    const a = grads(onnx);
    expect(onnx.graphs.builds - before).toBe(2); // forward up to the read, then the backward
    const b = grads(js);
    expect(a.seen).toBeCloseTo(a.value, 5);
    expect(Math.abs(a.value - b.value)).toBeLessThan(1e-4);
    a.grads.forEach((g, i) => {
      expect(maxAbs(g, b.grads[i])).toBeLessThan(1e-4);
    });
  });
});

describe('in-graph sampling', () => {
  it('CharLMStepper.sample runs n steps as one Scan graph and draws what the JS backend draws', async () => {
    const draw = async (be: Backend) => {
      const { s, first } = on(be, () => {
        const lm = new CharLM({ vocabSize: 13, hiddenSize: 16, cell: 'lstm', rng: new Rng(5) });
        const s = lm.stepper();
        return { s, first: s.sample(Int32Array.of(3), 60, { rng: new Rng(11), temperature: 0.8 }) };
      });
      const ids = await first;
      const more = await on(be, () => s.sample(Int32Array.of(ids[59]), 20, { rng: new Rng(12) }));
      s.dispose();
      return [...ids, ...more];
    };
    const builds = onnx.graphs.builds;
    const a = await draw(onnx);
    expect(onnx.graphs.builds).toBe(builds + 2); // 60 and 20 steps: two shapes, one graph each
    const graph = decodeModel(onnx.graphs.last!.model).graph!;
    const ops = graph.node.map((n) => n.op_type);
    expect(ops).toContain('Scan');
    // the ids and the LSTM's h and c, nothing else (a read inside the call made the noise outputs too)
    expect(graph.output).toHaveLength(3);
    const body = graph.node.find((n) => n.op_type === 'Scan')!.attribute![0].g!.node!;
    expect(body.map((n) => n.op_type)).toEqual(expect.arrayContaining(['Gather', 'ArgMax']));
    // the drawn index stays int64 in the loop and is cast to int32 once after it (argmax-index.ts)
    expect(body.map((n) => n.op_type)).not.toContain('Cast');
    expect(ops.slice(ops.indexOf('Scan'))).toContain('Cast');
    expect(a).toEqual(await draw(js));
  });

  it('draws what the JS backend draws for 2-layer GRU and RNN models and 3 sequences', async () => {
    for (const cell of ['gru', 'rnn'] as const) {
      const draw = async (be: Backend) => {
        const { s, first } = on(be, () => {
          const lm = new CharLM({
            vocabSize: 17,
            hiddenSize: 24,
            numLayers: 2,
            cell,
            rng: new Rng(5),
          });
          const s = lm.stepper();
          const o = { rng: new Rng(9), temperature: 0.7 };
          return { s, first: s.sample(Int32Array.of(1, 7, 3), 40, o) };
        });
        const ids = await first;
        const more = await on(be, () => s.sample(ids.slice(-3), 20, { rng: new Rng(10) }));
        s.dispose();
        return [...ids, ...more];
      };
      const a = await draw(onnx);
      expect(a).toHaveLength(180);
      expect(a).toEqual(await draw(js));
    }
  });
});
