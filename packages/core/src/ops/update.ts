import type { AdamHyper, Backend, RmspropHyper, SgdHyper } from '../backend.js';
import { fmtShape, RnnkitError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { backendOf } from './util.js';

function check(op: string, param: Tensor, ...others: (Tensor | null)[]): void {
  for (const o of others) {
    if (o && (o.size !== param.size || o.rank !== param.rank)) {
      throw new ShapeError(
        `${op}: state ${fmtShape(o.shape)} does not match parameter ${fmtShape(param.shape)}`,
      );
    }
  }
}

/** Fails, saying the kernel is optional and what to use instead, where `be` lacks fused `op`. */
function requireKernel(be: Backend, op: 'sgdUpdate' | 'adamUpdate' | 'rmspropUpdate'): void {
  if (!be[op]) {
    throw new RnnkitError(
      `${op}: backend '${be.name}' has no fused ${op} kernel (these kernels are optional); check backend.${op} before calling, or use @rnnkit/train's optimizers, which run their core-ops definition where a backend has no kernel`,
    );
  }
}

/**
 * The backends' optional fused optimizer kernels (see `FusedOptimizerKernels`). They run outside
 * autograd and replace the storage of the tensors they update (in place on backends that can).
 * Each returns nothing; `param` and the state tensors change. A backend without the kernel is an
 * error: @rnnkit/train's optimizers check for it and run their core-ops definition instead.
 */
export function sgdUpdate(param: Tensor, grad: Tensor, buf: Tensor | null, h: SgdHyper): void {
  const be = backendOf('sgdUpdate', param, grad, ...(buf ? [buf] : []));
  check('sgdUpdate', param, grad, buf);
  requireKernel(be, 'sgdUpdate');
  const r = be.sgdUpdate!(param, grad, buf, h);
  param.replaceStorage(r.param);
  if (buf && r.buf) buf.replaceStorage(r.buf);
}

export function adamUpdate(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, h: AdamHyper): void {
  const be = backendOf('adamUpdate', param, grad, m, v);
  check('adamUpdate', param, grad, m, v);
  requireKernel(be, 'adamUpdate');
  const r = be.adamUpdate!(param, grad, m, v, h);
  param.replaceStorage(r.param);
  m.replaceStorage(r.m);
  v.replaceStorage(r.v);
}

export function rmspropUpdate(
  param: Tensor,
  grad: Tensor,
  sq: Tensor,
  buf: Tensor | null,
  h: RmspropHyper,
): void {
  const be = backendOf('rmspropUpdate', param, grad, sq, ...(buf ? [buf] : []));
  check('rmspropUpdate', param, grad, sq, buf);
  requireKernel(be, 'rmspropUpdate');
  const r = be.rmspropUpdate!(param, grad, sq, buf, h);
  param.replaceStorage(r.param);
  sq.replaceStorage(r.sq);
  if (buf && r.buf) buf.replaceStorage(r.buf);
}
