import { describe, expect, it } from 'vitest';
import { SUPPORTED_OPS } from '../supported-ops.js';
import { elementwiseOps } from './elementwise.js';
import { linearOps } from './linear.js';
import { recurrentOps } from './recurrent.js';
import { shapeOps } from './shape.js';
import { IMPORT_OPS } from './table.js';

describe('the import operator table', () => {
  it('has a handler for exactly the operators SUPPORTED_OPS lists', () => {
    expect(Object.keys(IMPORT_OPS).sort()).toEqual([...SUPPORTED_OPS].sort());
  });

  it('gives each operator to one family only', () => {
    const families = [recurrentOps, linearOps, elementwiseOps, shapeOps];
    const keys = families.flatMap((f) => Object.keys(f));
    expect(keys.length).toBe(new Set(keys).size);
    expect(keys.length).toBe(SUPPORTED_OPS.length);
  });
});
