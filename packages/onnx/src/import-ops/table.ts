import type { SupportedOp } from '../supported-ops.js';
import type { OpHandler } from './context.js';
import { elementwiseOps } from './elementwise.js';
import { linearOps } from './linear.js';
import { recurrentOps } from './recurrent.js';
import { shapeOps } from './shape.js';

/**
 * Every operator `importOnnx` compiles, by op_type. Typed as the full Record over SUPPORTED_OPS,
 * so an operator listed there without a handler (or a handler for an unlisted one, through each
 * family's `satisfies OpFamily`) fails typecheck: the list and the table cannot drift.
 */
export const IMPORT_OPS: Record<SupportedOp, OpHandler> = {
  ...recurrentOps,
  ...linearOps,
  ...elementwiseOps,
  ...shapeOps,
};
