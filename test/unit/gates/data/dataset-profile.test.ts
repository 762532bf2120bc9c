import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { profileCsv } from '../../../../functions/gates/data/dataset-profile.ts';

const fairness = {
  facet: { column: 'gender', sensitive: ['female'] },
  label: { column: 'approved', positive: '1' },
  groups: 'region',
};

async function* chunksOf(text: string, size = 7): AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

describe('profileCsv', () => {
  it('hashes the bytes, reads the header and counts labels per facet and group in one pass', async () => {
    const csv =
      '\ufeffid,gender,region,approved\n1,male,north,1\n2,female,north,0\n3,female,south,1.0\n4,,south,1\n5,male,south,no\n';
    const profile = await profileCsv(chunksOf(csv), fairness, 'data.csv');
    expect(profile.sha256).toBe(createHash('sha256').update(csv).digest('hex'));
    expect(profile.bytes).toBe(Buffer.byteLength(csv));
    expect(profile.header).toEqual(['id', 'gender', 'region', 'approved']);
    expect(profile.rows).toBe(5);
    expect(profile.labels?.total).toEqual({ aPositive: 1, aNegative: 1, dPositive: 1, dNegative: 1 });
    expect(profile.labels?.skipped).toBe(1);
    expect(Object.fromEntries(profile.labels?.byGroup ?? [])).toEqual({
      north: { aPositive: 1, aNegative: 0, dPositive: 0, dNegative: 1 },
      south: { aPositive: 0, aNegative: 1, dPositive: 1, dNegative: 0 },
    });
  });

  it('counts nothing when a fairness column is not in the header (the gate reports the column)', async () => {
    const profile = await profileCsv(chunksOf('id,approved\n1,1\n'), fairness, 'data.csv');
    expect(profile.labels).toBeUndefined();
    expect(profile.rows).toBe(1);
  });

  it('refuses an empty file and a header that repeats a column', async () => {
    await expect(profileCsv(chunksOf(''), undefined, 'data.csv')).rejects.toThrow(
      'dataset.data_invalid: data.csv: empty file (no header row)',
    );
    await expect(profileCsv(chunksOf('a,a\n1,2\n'), undefined, 'data.csv')).rejects.toThrow(
      'dataset.data_invalid: data.csv: column "a" appears more than once in the header',
    );
  });
});
