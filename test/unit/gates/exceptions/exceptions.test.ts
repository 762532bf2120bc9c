import { describe, expect, it } from 'vitest';
import { openLocalPersonalData } from '../../../../functions/adapters/local/ledger/personal-data.ts';
import { openDatabase } from '../../../../functions/adapters/local/sqlite-database.ts';
import {
  EXCEPTIONS_IMMUTABLE_MESSAGE,
  SqliteExceptionStore,
} from '../../../../functions/adapters/local/sqlite-exception-store.ts';
import { grantException, openException } from '../../../../functions/gates/exceptions/grant-exception.ts';
import { InvalidInputError } from '../../../../functions/shared/validation.ts';
import { admissionFor, NOW, request } from '../../../support/exception-admission.ts';

function store() {
  const db = openDatabase(':memory:');
  return { db, exceptions: new SqliteExceptionStore(db) };
}

const { personal } = openLocalPersonalData();

async function problemsOf(run: Promise<unknown>): Promise<string[]> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidInputError);
  expect((error as InvalidInputError).code).toBe('exception.invalid');
  return (error as InvalidInputError).problems;
}

describe('exceptions', () => {
  it('records a grant once, with its time, and lists it for its subject', async () => {
    const { exceptions } = store();
    const first = await grantException(request, exceptions, NOW, personal, admissionFor());
    const again = await grantException(
      request,
      exceptions,
      new Date('2026-11-29T00:00:00Z'),
      personal,
      admissionFor(),
    );

    expect(await openException(first, personal)).toMatchObject({ ...request, grantedAt: NOW.toISOString() });
    expect(again).toEqual(first);
    expect(
      await exceptions.listFor([
        'cv-ranker',
        'arn:aws:sagemaker:local-1:000000000000:model-package/cv-ranker/1',
      ]),
    ).toEqual([first]);
    expect(await exceptions.listFor(['credit-scorer'])).toEqual([]);
  });

  it('refuses an exception without a rule id, a real reason, or a future expiry', async () => {
    const { exceptions } = store();
    expect(
      await problemsOf(
        grantException({ ...request, rule: 'DI', reason: 'ok' }, exceptions, NOW, personal, admissionFor()),
      ),
    ).toEqual([
      'rule: expected a rule id like bias.disparate_impact',
      'reason: say why, in at least 10 characters',
    ]);
    expect(
      await problemsOf(
        grantException(
          { ...request, expiresAt: '2026-11-01T00:00:00Z' },
          exceptions,
          NOW,
          personal,
          admissionFor(),
        ),
      ),
    ).toEqual(['expiresAt: 2026-11-01T00:00:00Z is not in the future']);
    expect(
      await problemsOf(
        grantException(
          { ...request, expiresAt: '2028-01-01T00:00:00Z' },
          exceptions,
          NOW,
          personal,
          admissionFor(),
        ),
      ),
    ).toEqual(['expiresAt: an exception lasts at most 365 days']);
    expect(await exceptions.listFor(['cv-ranker'])).toEqual([]);
  });

  it("stores the approver and the reason sealed under the approver's key, never in clear", async () => {
    const { db, exceptions } = store();
    const granted = await grantException(
      { ...request, approver: 'Alice.Smith@example.com' },
      exceptions,
      NOW,
      personal,
      admissionFor(),
    );
    const bodies = db.prepare<[], { body: string }>('SELECT body FROM exceptions').all();
    expect(JSON.stringify(bodies).toLowerCase()).not.toContain('alice.smith');
    expect(JSON.stringify(bodies)).not.toContain('reweighted');
    expect(granted.approver).toMatch(/^sealed:ps1\./);
    await personal.keys.destroy(personal.pseudonym('alice.smith@example.com'));
    const erased = `erased (${personal.pseudonym('alice.smith@example.com')})`;
    expect(await openException(granted, personal)).toMatchObject({ approver: erased, reason: erased });
  });

  it('cannot be edited or deleted once granted', async () => {
    const { db, exceptions } = store();
    await grantException(request, exceptions, NOW, personal, admissionFor());
    expect(() => db.prepare("UPDATE exceptions SET body = '{}'").run()).toThrow(EXCEPTIONS_IMMUTABLE_MESSAGE);
    expect(() => db.prepare('DELETE FROM exceptions').run()).toThrow(EXCEPTIONS_IMMUTABLE_MESSAGE);
  });
});
