/**
 * Exceptions are ledger entries: the grant is appended before the read model sees it, a lapse is recorded
 * once when it is first read, and a grant the ledger refuses (an approver in clear) is stored nowhere.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openLocalPersonalData } from '../../../functions/adapters/local/ledger/personal-data.ts';
import { type LocalLedger, openLocalLedger } from '../../../functions/adapters/local/ledger/sqlite-ledger.ts';
import { openDatabase } from '../../../functions/adapters/local/sqlite-database.ts';
import { SqliteExceptionStore } from '../../../functions/adapters/local/sqlite-exception-store.ts';
import { grantException } from '../../../functions/gates/exceptions/grant-exception.ts';
import { revokeException } from '../../../functions/gates/exceptions/revoke-exception.ts';
import { InvalidEntryError } from '../../../functions/ledger/errors.ts';
import { LedgerExceptionStore } from '../../../functions/ledger/ledger-exception-store.ts';
import { admissionFor } from '../../support/exception-admission.ts';
import { removeTempDirs, tempDir } from '../../support/ledger-fixture.ts';

const GRANTED_AT = new Date('2026-11-28T12:00:00Z');
const request = {
  rule: 'bias.disparate_impact',
  subject: 'cv-ranker',
  reason: 'Retraining with reweighted data is scheduled for January',
  approver: 'alice.smith@example.com',
  expiresAt: '2027-01-31T00:00:00Z',
};

let local: LocalLedger;
afterEach(async () => {
  await local.close();
  removeTempDirs();
});

async function setUp(clock: { now: Date }) {
  local = await openLocalLedger({ dataDir: tempDir() }).open();
  const readModel = new SqliteExceptionStore(openDatabase(':memory:'));
  const store = new LedgerExceptionStore(local.ledger, readModel, () => clock.now);
  return { store, readModel };
}

async function exceptionEntries(): Promise<{ id: string; event: unknown; approver: unknown }[]> {
  const entries = [];
  const size = await local.ledger.size();
  for (let i = 0; i < size; i++) {
    const record = await local.ledger.get(i);
    if (record?.entry.type === 'exception')
      entries.push({
        id: record.entry.id,
        event: record.entry.exception.event,
        approver: record.entry.exception.approver,
      });
  }
  return entries;
}

describe('exceptions in the ledger', () => {
  it('appends the grant, sealed, before the read model holds it', async () => {
    const clock = { now: GRANTED_AT };
    const { store, readModel } = await setUp(clock);
    const { personal } = openLocalPersonalData();
    const granted = await grantException(request, store, GRANTED_AT, personal, admissionFor());

    const entries = await exceptionEntries();
    expect(entries).toEqual([
      { id: `exception/${granted.id}/granted`, event: 'granted', approver: granted.approver },
    ]);
    expect(String(entries[0]?.approver)).toMatch(/^sealed:/);
    expect(await readModel.listFor(['cv-ranker'])).toEqual([granted]);
  });

  it('records a lapse once, the first time the exception is read after it', async () => {
    const clock = { now: GRANTED_AT };
    const { store } = await setUp(clock);
    const { personal } = openLocalPersonalData();
    const granted = await grantException(request, store, GRANTED_AT, personal, admissionFor());

    await store.listFor(['cv-ranker']);
    expect((await exceptionEntries()).map((e) => e.event)).toEqual(['granted']);

    clock.now = new Date('2027-01-31T00:00:00Z');
    await store.listFor(['cv-ranker']);
    await store.listFor(['cv-ranker', 'other-model']);
    expect(await exceptionEntries()).toEqual([
      { id: `exception/${granted.id}/granted`, event: 'granted', approver: granted.approver },
      { id: `exception/${granted.id}/expired`, event: 'expired', approver: granted.approver },
    ]);
  });

  it('appends a revocation, sealed, before the read model marks the exception revoked; no lapse follows', async () => {
    const clock = { now: GRANTED_AT };
    const { store, readModel } = await setUp(clock);
    const { personal } = openLocalPersonalData();
    const granted = await grantException(request, store, GRANTED_AT, personal, admissionFor());
    const revokedAt = new Date('2026-12-01T00:00:00Z');
    const revoked = await revokeException(
      { id: granted.id, reason: 'The retraining landed early', approver: 'bob.jones@example.com' },
      store,
      revokedAt,
      personal,
    );

    expect((await exceptionEntries()).map((e) => [e.id, e.event])).toEqual([
      [`exception/${granted.id}/granted`, 'granted'],
      [`exception/${granted.id}/revoked`, 'revoked'],
    ]);
    const entry = await local.ledger.get(1);
    expect(entry?.entry).toMatchObject({ exception: { revokedAt: revokedAt.toISOString() } });
    expect(JSON.stringify(entry?.entry).toLowerCase()).not.toMatch(/bob\.jones|retraining landed/);
    expect(await readModel.listFor(['cv-ranker'])).toEqual([revoked]);

    clock.now = new Date('2027-02-01T00:00:00Z');
    await store.listFor(['cv-ranker']);
    expect((await exceptionEntries()).map((e) => e.event)).toEqual(['granted', 'revoked']);
  });

  it('stores nowhere a revocation whose reason is in clear', async () => {
    const { store, readModel } = await setUp({ now: GRANTED_AT });
    const { personal } = openLocalPersonalData();
    const granted = await grantException(request, store, GRANTED_AT, personal, admissionFor());
    const inClear = { revokedAt: GRANTED_AT.toISOString(), revokedBy: 'bob', revocationReason: 'in clear' };
    await expect(store.revoke(granted.id, inClear)).rejects.toThrow(InvalidEntryError);
    expect((await exceptionEntries()).map((e) => e.event)).toEqual(['granted']);
    expect((await readModel.getException(granted.id))?.revokedAt).toBeUndefined();
  });

  it('stores nowhere a grant whose approver is in clear', async () => {
    const { store, readModel } = await setUp({ now: GRANTED_AT });
    const inClear = { id: 'ex-1', ...request, grantedAt: GRANTED_AT.toISOString() };
    await expect(store.grant(inClear)).rejects.toThrow(InvalidEntryError);
    expect(await exceptionEntries()).toEqual([]);
    expect(await readModel.listFor(['cv-ranker'])).toEqual([]);
  });
});
