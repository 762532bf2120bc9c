import { describe, expect, it } from 'vitest';
import { openLocalPersonalData } from '../../../functions/adapters/local/ledger/personal-data.ts';
import { decisionEntry, prepareEntry } from '../../../functions/ledger/entry.ts';
import { InvalidEntryError } from '../../../functions/ledger/errors.ts';
import { fieldLabel, isSealedField } from '../../../functions/ledger/sealed-field.ts';
import { DECISIONS } from '../../support/report-fixtures.ts';

const ALICE = 'alice.smith@example.com';

describe('sealed fields', () => {
  it('seal a value under its subject, open it while the key exists, read erased once it is gone', async () => {
    const { personal, close } = openLocalPersonalData();
    const sealed = await personal.sealField(ALICE);
    const reason = await personal.sealField('Known gap, retraining in January', ALICE);
    expect(isSealedField(sealed)).toBe(true);
    expect(sealed).not.toContain('alice');
    const subject = personal.pseudonym(ALICE);
    expect(fieldLabel(sealed)).toBe(subject);
    expect(fieldLabel(reason)).toBe(subject);
    expect(await personal.openField(sealed)).toBe(ALICE);
    expect(await personal.openField('not sealed')).toBe('not sealed');
    // One person however spelled: forgetting `Alice.Smith@Example.com ` forgets what was sealed for alice.
    expect(personal.pseudonym(' Alice.Smith@Example.COM ')).toBe(subject);
    await personal.keys.destroy(personal.pseudonym(' Alice.Smith@Example.COM '));
    expect(await personal.openField(sealed)).toBe(`erased (${subject})`);
    expect(await personal.openField(reason)).toBe(`erased (${subject})`);
    close();
  });

  it('refuses a field altered or moved to another subject (authenticated encryption)', async () => {
    const { personal, close } = openLocalPersonalData();
    const sealed = await personal.sealField(ALICE);
    const bob = personal.pseudonym('bob@example.com');
    await personal.sealField('bob@example.com');
    await expect(personal.openField(sealed.replace(personal.pseudonym(ALICE), bob))).rejects.toThrow();
    const [head, tag] = [sealed.slice(0, -22), sealed.slice(-22)];
    const flipped = `${head}${tag[0] === 'A' ? 'B' : 'A'}${tag.slice(1)}`;
    await expect(personal.openField(flipped)).rejects.toThrow();
    close();
  });

  it('keeps a person in clear out of the ledger: a waiver approver or reason must be sealed', async () => {
    const { personal, close } = openLocalPersonalData();
    const [base] = DECISIONS;
    if (!base) throw new Error('no fixture decision');
    const withWaiver = (approver: string, reason: string) =>
      decisionEntry(
        {
          ...base,
          violations: base.violations.map((v) => ({
            ...v,
            waiver: { id: 'e-1', approver, reason, expiresAt: '2027-01-31T00:00:00Z' },
          })),
        },
        '2026-12-01T00:00:00Z',
      );
    expect(() => prepareEntry(withWaiver(ALICE, 'Known gap'))).toThrow(InvalidEntryError);
    expect(() => prepareEntry(withWaiver(ALICE, 'Known gap'))).toThrow(
      'personal data in clear (decision.violations[0].waiver.approver, decision.violations[0].waiver.reason)',
    );
    const sealed = withWaiver(await personal.sealField(ALICE), await personal.sealField('Known gap', ALICE));
    expect(prepareEntry(sealed).bytes.toString()).not.toContain('alice');
    expect(() =>
      prepareEntry({
        id: 'exception/e-1',
        type: 'exception',
        recordedAt: '2026-12-01T00:00:00Z',
        exception: { id: 'e-1', approver: ALICE },
      }),
    ).toThrow('personal data in clear (exception.approver)');
    close();
  });
});
