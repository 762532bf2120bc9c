import { describe, expect, it } from 'vitest';
import { decodeRows, encodeRows } from '../../../../functions/adapters/aws/subject-rows-codec.ts';

describe('packed subject rows', () => {
  it('round-trips ascending rows as varint differences: one byte for rows close together', () => {
    expect([...encodeRows([1, 2, 130, 2 ** 40])]).toEqual([1, 1, 128, 1, ...encodeRows([2 ** 40 - 130])]);
    for (const rows of [[], [1], [1, 2, 3], [127, 128, 16_511, 16_512], [5, Number.MAX_SAFE_INTEGER]]) {
      expect(decodeRows(encodeRows(rows))).toEqual(rows);
    }
    const dense = Array.from({ length: 10_000 }, (_, i) => 3 * i + 1);
    expect(encodeRows(dense)).toHaveLength(10_000);
  });

  it('refuses rows that do not ascend from 1, and bytes that end inside a number', () => {
    for (const rows of [[0], [2, 2], [3, 1], [1.5]]) {
      expect(() => encodeRows(rows)).toThrow('rows must ascend, from 1');
    }
    expect(() => decodeRows(Uint8Array.from([1, 0x81]))).toThrow('packed rows end inside a number');
  });
});
