/**
 * @rnnkit/backend-conformance — the single place that says what "a correct backend" means.
 *
 * Every backend runs this suite unchanged from one of its own test files:
 *
 * ```ts
 * import { runConformance } from '@rnnkit/backend-conformance';
 * import { createJsBackend } from './index.js';
 * runConformance({ name: 'js', create: createJsBackend });
 * ```
 *
 * It registers vitest `describe`/`it` blocks (vitest is a peer dependency): kernels against
 * float64 references, every backward rule against finite differences, the gradients of every
 * @rnnkit/cells cell and layer option combination against finite differences, the cells'
 * PyTorch and ONNX Runtime fixtures, shape/dtype
 * errors, `scan`, memory (tidy, leaks, disposal), the fused optimizer kernels against the optimizers'
 * core-ops definitions,
 * and the registry's error messages.
 */
import { type Backend, registerBackend, setBackend } from '@rnnkit/core';
import { beforeAll, describe } from 'vitest';
import { cellGradTests } from './cells.js';
import { cellFixtureTests } from './cells-fixtures.js';
import { composedGradTests } from './composed.js';
import { type ConformanceOptions, type Ctx, DEFAULT_TOL } from './context.js';
import { errorTests } from './errors.js';
import { fusedTests } from './fused.js';
import { elementwiseGradTests } from './gradients.js';
import { layoutGradTests } from './gradients-layout.js';
import { layoutKernelTests } from './kernels-layout.js';
import { linalgKernelTests } from './kernels-linalg.js';
import { nnKernelTests } from './kernels-nn.js';
import { unaryKernelTests } from './kernels-unary.js';
import { memoryTests } from './memory.js';
import { optimizerTests } from './optimizers.js';
import { scanTests } from './scan.js';
import { storageTests } from './storage.js';

export { type ConformanceOptions, type Ctx, DEFAULT_TOL } from './context.js';
export { checkGrad, type GradCase } from './gradcheck.js';
export { runMoveToTests } from './move-to.js';
export * as reference from './reference.js';

/**
 * Registers the conformance suite for one backend. `create` is registered under `name` with
 * core's registry and selected with `setBackend(name)` before the tests run; every tensor the
 * suite makes is created on that backend explicitly.
 */
export function runConformance(opts: ConformanceOptions): void {
  let backend: Backend | undefined;
  const ctx: Ctx = {
    name: opts.name,
    tol: opts.tol ?? DEFAULT_TOL,
    be() {
      if (!backend)
        throw new Error(`conformance: backend '${opts.name}' is not ready (beforeAll has not run)`);
      return backend;
    },
  };

  describe(`backend conformance: ${opts.name}`, () => {
    beforeAll(async () => {
      registerBackend(opts.name, opts.create);
      backend = await setBackend(opts.name);
    });

    storageTests(ctx);
    linalgKernelTests(ctx);
    unaryKernelTests(ctx);
    layoutKernelTests(ctx);
    nnKernelTests(ctx);
    optimizerTests(ctx);
    elementwiseGradTests(ctx);
    layoutGradTests(ctx);
    composedGradTests(ctx);
    fusedTests(ctx);
    cellGradTests(ctx);
    cellFixtureTests(ctx);
    scanTests(ctx);
    errorTests(ctx);
    memoryTests(ctx);
  });
}
