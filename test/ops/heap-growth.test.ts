import { describe, expect, it } from 'vitest';
import { applyHeapGrowth } from '../../src/ops/heap-growth.js';

describe('GIVEN the heap growth setting at start', () => {
  it('THEN a percentage is handed to V8', () => {
    expect(applyHeapGrowth(20, '')).toBe('applied');
  });

  it('THEN 0 leaves V8 its own default', () => {
    expect(applyHeapGrowth(0, '')).toBe('default');
  });

  it.each(['--heap-growing-percent=50', '--max-old-space-size=512 --heap_growing_percent=50'])(
    'GIVEN the operator passed "%s" THEN theirs is kept',
    (given) => {
      expect(applyHeapGrowth(20, given)).toBe('operator');
    },
  );
});
