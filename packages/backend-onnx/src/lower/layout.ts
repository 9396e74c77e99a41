import type { Shape } from '@rnnkit/core';
import type { Emit, Lower } from '../graph/emit.js';

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
    joinAll(
      e,
      xs.map((x) => x.name),
      axis,
    ),
  ];
}

/**
 * One Concat of `names`, or with `maxConcatInputs` (see LoweringOptions) Concats of at most that
 * many inputs, each level joining the previous level's runs in order, until one is left.
 */
function joinAll(e: Emit, names: readonly string[], axis: number): string {
  const most = e.lowering.maxConcatInputs ?? Number.POSITIVE_INFINITY;
  // a run of one input joins nothing, so a bound under 2 would never end
  if (most < 2) throw new Error(`maxConcatInputs must be at least 2, got ${most}`);
  let level = names;
  while (level.length > most) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += most) {
      const run = level.slice(i, i + most);
      next.push(run.length === 1 ? run[0] : e.g.op('Concat', run, { axis }));
    }
    level = next;
  }
  return e.g.op('Concat', level, { axis });
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
