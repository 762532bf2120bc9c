import { describe, expect, it } from 'vitest';
import { openLocalPersonalData } from '../../../functions/adapters/local/ledger/personal-data.ts';
import { ledgerEntrySchema } from '../../../functions/contracts/ledger-entry.ts';
import { modelPackageStateChangeEventSchema } from '../../../functions/contracts/model-package-state-change.ts';
import { gateModelPackage } from '../../../functions/gates/model-registry/model-registry-gate.ts';
import { exceptionEntry, prepareEntry } from '../../../functions/ledger/entry.ts';
import { gateFixture, sample } from '../../support/gate-fixture.ts';
import { note } from '../../support/ledger-fixture.ts';

describe('the ledger entry contract', () => {
  it('describes every entry the gate appends: its decision and the actions it took', async () => {
    const f = gateFixture();
    const pkg = await f.register('cv', {
      profile: sample('cv-ranker.profile.json'),
      report: sample('cv-ranker.analysis.json'),
    });
    await gateModelPackage(
      modelPackageStateChangeEventSchema.parse(f.registry.toStateChangeEvent(pkg)),
      f.deps,
    );
    const ledger = await f.ledger();
    const entries = await Promise.all([0, 1, 2].map(async (i) => (await ledger.get(i))?.entry));
    expect(entries.map((e) => ledgerEntrySchema.parse(e))).toEqual(entries);
    expect(entries.map((e) => e?.type)).toEqual(['decision', 'action', 'action']);
  });

  it('describes an exception entry with its sealed approver and reason, and a note', async () => {
    const { personal, close } = openLocalPersonalData();
    const approver = 'alice.smith@example.com';
    const entry = exceptionEntry(
      'granted',
      {
        id: 'ex-1',
        rule: 'bias.disparate_impact',
        subject: 'credit',
        approver: await personal.sealField(approver),
        reason: await personal.sealField('Known gap, retraining in January', approver),
        expiresAt: '2027-01-31T00:00:00Z',
        grantedAt: '2026-12-01T00:00:00Z',
      },
      '2026-12-01T00:00:00Z',
    );
    close();
    expect(() => prepareEntry(entry)).not.toThrow();
    expect(ledgerEntrySchema.parse(entry)).toEqual(entry);
    expect(ledgerEntrySchema.parse(note(7))).toEqual(note(7));
  });

  it('refuses an entry of a type the ledger does not store', () => {
    const result = ledgerEntrySchema.safeParse({ ...note(1), type: 'comment' });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['type']);
  });
});
