// Fits y = 2x + 1 with two parameters and plain gradient descent through rnnkit's autograd.
// Runs inside the monorepo (pnpm demo) and, unchanged, in an empty project that installed only
// the packed @rnnkit/core and @rnnkit/backend-js tarballs (tooling/scripts/selective-install.mjs).
import '@rnnkit/backend-js';
import {
  add,
  getBackend,
  mean,
  mul,
  Parameter,
  square,
  sub,
  tensor,
  tidy,
  valueAndGrad,
} from '@rnnkit/core';

const xs = tensor([-2, -1, -0.5, 0, 0.5, 1, 1.5, 2], [8]);
const ys = tensor([-3, -1, 0, 1, 2, 3, 4, 5], [8]);
const w = new Parameter(tensor([0]));
const b = new Parameter(tensor([0]));

let loss = Number.POSITIVE_INFINITY;
for (let step = 1; step <= 500 && loss > 1e-6; step++) {
  const value = tidy(() => {
    const { value, grads } = valueAndGrad(() => mean(square(sub(add(mul(xs, w), b), ys))), [w, b]);
    w.assign(sub(w, mul(grads[0], tensor([0.1]))));
    b.assign(sub(b, mul(grads[1], tensor([0.1]))));
    return value;
  });
  // reads are asynchronous: a backend need not read synchronously (a WebGPU one cannot)
  [loss] = await value.data();
  value.dispose();
  if (step % 50 === 0 || loss <= 1e-6)
    console.log(`step ${String(step).padStart(3)}  loss ${loss.toExponential(3)}`);
}
const [[wv], [bv]] = [await w.data(), await b.data()];
console.log(
  `backend ${getBackend().name}: learned y = ${wv.toFixed(4)}x + ${bv.toFixed(4)} (target y = 2x + 1), loss ${loss.toExponential(2)}`,
);
if (!(loss < 1e-4)) {
  console.error(`FAILED: loss ${loss} did not fall below 1e-4`);
  process.exit(1);
}
