/**
 * The read model (the SQLite decisions table) is checked against the ledger before anything is served or
 * reported: a direct edit of the table turns `deny` into `allow` for a reader, and both the API and a report
 * must notice, name the decision and the ledger entry, and serve or attest nothing of it.
 */
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalLedger, openLocalLedger } from '../../../functions/adapters/local/ledger/sqlite-ledger.ts';
import { LedgerDecisionStore } from '../../../functions/ledger/ledger-decision-store.ts';
import { ReadModelDivergenceError } from '../../../functions/ports/ledger-reader.ts';
import { generateReport } from '../../../functions/reports/generate-report.ts';
import { type ApiFixture, apiFixture, at, decision } from '../../support/api-fixture.ts';
import { removeTempDirs, tempDir } from '../../support/ledger-fixture.ts';

let api: ApiFixture;
let local: LocalLedger;
let token: string;
let leaf0: string;

beforeEach(async () => {
  api = apiFixture();
  const handle = openLocalLedger({ dataDir: tempDir() });
  local = await handle.open();
  api.deps.ledger = handle.reader;
  const decisions = new LedgerDecisionStore(local.ledger, api.decisions);
  await decisions.record(decision('d-1', at(1)));
  await decisions.record(decision('d-2', at(2)));
  leaf0 = (await local.ledger.get(0))?.leafHash ?? '';
  token = await api.token('auditor');
});

afterEach(async () => {
  await local.close();
  api.close();
  removeTempDirs();
});

/** What an attacker with write access to verdict.db does: drop the guard, rewrite the outcome. */
function editReadModel(id: string): void {
  api.db.exec(`DROP TRIGGER decisions_no_update;
    UPDATE decisions SET outcome = 'allow', body = json_set(body, '$.decision', 'allow') WHERE id = '${id}';`);
}

const report = (type: 'period-summary' | 'model-compliance') =>
  generateReport({
    request: { type, format: 'json', ...(type === 'model-compliance' ? { model: 'credit-scorer' } : {}) },
    sources: { decisions: api.decisions, exceptions: api.exceptions, ledger: api.deps.ledger },
    signer: { name: 'x', verifierKey: 'x', keyId: 0, sign: async () => new Uint8Array(64) } as never,
    out: new PassThrough().resume(),
    now: new Date('2026-06-01T00:00:00Z'),
  });

describe('a decision edited in the read model', () => {
  it('is served with its ledger position while the two agree', async () => {
    const one = await api.call('GET', '/decisions/d-1', { token });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      decision: 'deny',
      ledger: { index: 0, inclusionProof: { leafHash: leaf0 } },
    });
    expect((await api.call('GET', '/decisions', { token })).status).toBe(200);
  });

  it('is a 409 problem naming it and its ledger entry, for the decision and for any list holding it', async () => {
    editReadModel('d-1');
    expect((await api.decisions.get('d-1'))?.decision).toBe('allow');
    const expected = {
      type: 'https://verdict.dev/problems/read-model-diverges-from-the-ledger',
      title: 'Read model diverges from the ledger',
      status: 409,
      detail: '1 decision in the read model does not match the audit ledger; it is not served',
      errors: [
        `decision d-1 in the read model differs from ledger entry 0 (leaf hash ${leaf0}): the read model says allow, the ledger says deny`,
      ],
    };
    expect(await api.call('GET', '/decisions/d-1', { token })).toMatchObject({ status: 409, body: expected });
    expect(await api.call('GET', '/decisions', { token })).toMatchObject({ status: 409, body: expected });
    expect((await api.call('GET', '/decisions/d-2', { token })).status).toBe(200);
    // The model views show decisions too.
    expect(await api.call('GET', '/models/credit-scorer/history', { token })).toMatchObject({
      status: 409,
      body: expected,
    });
  });

  it('a decision the ledger never recorded is refused too', async () => {
    await api.decisions.record(decision('d-3', at(3)));
    const one = await api.call('GET', '/decisions/d-3', { token });
    expect(one.status).toBe(409);
    expect(one.body.errors).toEqual(['decision d-3 is in the read model but not in the ledger']);
  });

  it('makes every report that covers it refuse to be built, naming it', async () => {
    await expect(report('period-summary')).resolves.toMatchObject({ manifest: { citations: { count: 2 } } });
    editReadModel('d-1');
    for (const type of ['period-summary', 'model-compliance'] as const) {
      const refused = report(type);
      await expect(refused).rejects.toThrow(ReadModelDivergenceError);
      await expect(refused).rejects.toThrow(
        `decision d-1 in the read model differs from ledger entry 0 (leaf hash ${leaf0}): the read model says allow, the ledger says deny`,
      );
    }
  });
});
