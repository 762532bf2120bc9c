/**
 * What every SubjectIndex does, run against each adapter: locate finds a hashed key in every version holding
 * it, rows ascending and each kept once however often it was added; clear forgets one version only, so that
 * indexing it again replaces; a batch whose rows and hashes do not pair up is refused before anything is
 * written.
 */
import { expect, it } from 'vitest';
import type { SubjectIndex } from '../../functions/ports/subject-index.ts';

export const testMac = (n: number): Buffer => Buffer.alloc(32, n);

export function subjectIndexContract(open: () => Promise<SubjectIndex>): void {
  it('locates a hash in every version holding it, and clears one version without touching the others', async () => {
    const index = await open();
    await index.add('a@1', { macs: [testMac(1), testMac(2), testMac(1)], rows: [1, 2, 3] });
    await index.add('b@1', { macs: [testMac(1)], rows: [7] });
    await index.add('a@1', { macs: [testMac(1)], rows: [1] });
    expect(await index.locate(testMac(1))).toEqual([
      { datasetVersionId: 'a@1', rows: [1, 3] },
      { datasetVersionId: 'b@1', rows: [7] },
    ]);
    await index.clear('a@1');
    expect(await index.locate(testMac(1))).toEqual([{ datasetVersionId: 'b@1', rows: [7] }]);
    expect(await index.locate(testMac(2))).toEqual([]);
    expect(await index.locate(testMac(9))).toEqual([]);
  });

  it('keeps rows ascending and once, across batches given in any order', async () => {
    const index = await open();
    await index.add('c@2', { macs: [testMac(3), testMac(3), testMac(3)], rows: [90, 5, 90] });
    await index.add('c@2', { macs: [testMac(3), testMac(3)], rows: [40, 5] });
    await index.add('c@10', { macs: [testMac(3)], rows: [1] });
    expect(await index.locate(testMac(3))).toEqual([
      { datasetVersionId: 'c@10', rows: [1] },
      { datasetVersionId: 'c@2', rows: [5, 40, 90] },
    ]);
  });

  it('replaces a version indexed again after clear, and clears an unknown version quietly', async () => {
    const index = await open();
    await index.clear('d@1');
    await index.add('d@1', { macs: [testMac(4), testMac(5)], rows: [1, 2] });
    await index.clear('d@1');
    await index.add('d@1', { macs: [testMac(5)], rows: [8] });
    expect(await index.locate(testMac(4))).toEqual([]);
    expect(await index.locate(testMac(5))).toEqual([{ datasetVersionId: 'd@1', rows: [8] }]);
  });

  it('refuses a batch whose rows and hashes do not pair up, writing nothing', async () => {
    const index = await open();
    await expect(index.add('e@1', { macs: [testMac(6), testMac(7)], rows: [1] })).rejects.toThrow(
      'one row number per mac',
    );
    expect(await index.locate(testMac(6))).toEqual([]);
  });
}
