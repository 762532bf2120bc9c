/**
 * What every dataset version read model does, run against each adapter: a put is read back whole, a second
 * put of the same id replaces the first, and versions are listed oldest first (ties by id).
 */
import { expect, it } from 'vitest';
import type { DatasetVersion } from '../../functions/contracts/dataset-version.ts';
import type { DatasetVersionReadModel } from '../../functions/datasets/ledger-dataset-versions.ts';

export function datasetVersion(id: string, registeredAt: string, changes: Partial<DatasetVersion> = {}) {
  return {
    id,
    name: id.split('@')[0] ?? id,
    uri: `s3://verdict-data/${id}.csv`,
    sha256: 'a'.repeat(64),
    bytes: 120,
    rows: 3,
    manifestSha256: 'b'.repeat(64),
    decisionId: `dec-${id}`,
    decision: 'allow',
    subjectIndex: { keyId: 'arn:aws:kms:eu-west-1:123456789012:key/k', rows: 3 },
    registeredAt,
    ...changes,
  } satisfies DatasetVersion;
}

export function datasetVersionReadModelContract(open: () => Promise<DatasetVersionReadModel>): void {
  it('reads a version back whole, and a second put of its id replaces it', async () => {
    const model = await open();
    const first = datasetVersion('loans@1', '2026-12-01T10:00:00.000Z');
    await model.put(first);
    expect(await model.get('loans@1')).toEqual(first);
    const reindexed = { ...first, subjectIndex: { keyId: 'k2', rows: 4 } };
    await model.put(reindexed);
    expect(await model.get('loans@1')).toEqual(reindexed);
    expect(await model.list()).toEqual([reindexed]);
    expect(await model.get('loans@9')).toBeUndefined();
  });

  it('lists versions oldest first, ties by id', async () => {
    const model = await open();
    await model.put(datasetVersion('c@1', '2026-12-01T12:00:00.000Z'));
    await model.put(datasetVersion('b@1', '2026-12-01T11:00:00.000Z', { decision: 'deny' }));
    await model.put(datasetVersion('a@1', '2026-12-01T12:00:00.000Z', { subjectIndex: undefined }));
    expect((await model.list()).map((version) => version.id)).toEqual(['b@1', 'a@1', 'c@1']);
  });
}
