import type { Shape } from '@rnnkit/core';
import type { Lower } from '../graph/emit.js';

/** Row-major reshape to a fixed shape; allowzero so a 0 extent means 0, not "copy". Key: `reshape|<shape>`. */
export function reshape(shape: Shape): Lower {
  return (e, [x]) => [e.g.op('Reshape', [x.name, e.ints(shape)], { allowzero: 1 })];
}

/** Key: `transpose|<perm>`. */
export function transpose(perm: readonly number[]): Lower {
  return (e, [x]) => [e.g.op('Transpose', [x.name], { perm: [...perm] })];
}

/** Concatenation of every input along `axis`. Key: `concat|<axis>|<count>`. */
export function concat(axis: number): Lower {
  return (e, xs) => [
    e.g.op(
      'Concat',
      xs.map((x) => x.name),
      { axis },
    ),
  ];
}

/** x[begin : begin + size] on every axis. Key: `slice|<begin>|<size>`. */
export function slice(begin: readonly number[], size: readonly number[]): Lower {
  return (e, [x]) => {
    if (begin.length === 0) return [e.g.op('Identity', [x.name])];
    const axes = begin.map((_, i) => i);
    const ends = begin.map((b, i) => b + size[i]);
    return [e.g.op('Slice', [x.name, e.ints(begin), e.ints(ends), e.ints(axes)])];
  };
}
