import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../functions/adapters/local/sqlite-database.ts';
import { SqliteDecisionStore } from '../../../../functions/adapters/local/sqlite-decision-store.ts';
import { EmbeddedModelRegistry } from '../../../../functions/adapters/local/sqlite-model-registry.ts';
import { isKnownModel, knownModelNames } from '../../../../functions/gates/exceptions/known-models.ts';
import { decision, modelPackage } from '../../../support/decisions.ts';

async function sources() {
  const db = openDatabase(':memory:');
  const catalog = new EmbeddedModelRegistry(db);
  const decisions = new SqliteDecisionStore(db);
  await catalog.createModelPackageGroup('cv-ranker');
  const registered = await catalog.createModelPackage({ groupName: 'cv-ranker' });
  // `verdict gate` decides on a package no registry lists.
  const decided = decision('d-1', '2026-11-01T00:00:00.000Z', { subject: modelPackage('churn', 3) });
  await decisions.record(decided);
  // The data gate's decision on a dataset version names a dataset, not a model.
  await decisions.record(
    decision('d-2', '2026-11-02T00:00:00.000Z', {
      gate: 'data',
      subject: {
        kind: 'dataset-version',
        id: 'credit-applications@0123456789abcdef.01234567',
        group: 'credit-applications',
        version: '0123456789abcdef.01234567',
      },
    }),
  );
  return { sources: { catalog, decisions }, registered: registered.arn, decided: decided.subject.id };
}

describe('a model an exception names', () => {
  it('is known when registered or decided, by group name or package ARN', async () => {
    const { sources: s, registered, decided } = await sources();
    for (const name of ['cv-ranker', registered, 'churn', decided])
      expect(await isKnownModel(name, s)).toBe(true);
  });

  it('is unknown otherwise: another group, another version, not an ARN of a package', async () => {
    const { sources: s, registered, decided } = await sources();
    for (const name of [
      'cv-rankr',
      registered.replace(/\/1$/, '/2'),
      decided.replace(/\/3$/, '/4'),
      'arn:aws:sagemaker:eu-west-1:123456789012:model-package-group/cv-ranker',
      'credit-applications',
    ]) {
      expect(await isKnownModel(name, s)).toBe(false);
    }
  });

  it('is suggested from every registered and decided name', async () => {
    const { sources: s, registered, decided } = await sources();
    expect([...(await knownModelNames(s))].sort()).toEqual(
      ['churn', 'cv-ranker', decided, registered].sort(),
    );
  });
});
