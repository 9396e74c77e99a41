import { describe, expect, it } from 'vitest';
import { sotu } from './sotu.js';

describe('sotu with years outside the corpus', () => {
  it('says which years the corpus has, not where the package lies on disk', () => {
    let message = '';
    try {
      sotu({ from: 2030, to: 2040 });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      'sotu: no State of the Union address between 2030 and 2040; the corpus has addresses from 1790 to 2021: pick years in that range (--years 1790-2021)',
    );
    expect(message).not.toContain('node_modules');
  });

  it('an options key in another spelling names the one meant', () => {
    expect(() => sotu({ From: 1990 } as never)).toThrow(
      "sotu: unknown option 'From' (did you mean 'from'?)",
    );
  });
});
