import { describe, expect, it } from 'vitest';
import { plural } from '../../../functions/shared/plural.ts';

describe('plural', () => {
  it('puts the noun in the number its count asks for, the count grouped by thousands', () => {
    expect(plural(0, 'decision')).toBe('0 decisions');
    expect(plural(1, 'decision')).toBe('1 decision');
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    expect(plural(1234, 'byte')).toBe('1,234 bytes');
  });
});
