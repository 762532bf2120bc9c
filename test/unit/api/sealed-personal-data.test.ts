import { describe, expect, it, vi } from 'vitest';
import { openLocalPersonalData } from '../../../functions/adapters/local/ledger/personal-data.ts';
import { SqliteAccessLog } from '../../../functions/adapters/local/sqlite-access-log.ts';
import { openDatabase } from '../../../functions/adapters/local/sqlite-database.ts';
import {
  sealedAccessLog,
  sealedLedgerExportService,
  sealedReportService,
} from '../../../functions/api/sealed-personal-data.ts';
import type { AccessRecord } from '../../../functions/contracts/access-record.ts';
import type { Principal } from '../../../functions/contracts/principal.ts';
import type { LedgerExportService } from '../../../functions/ports/ledger-export-service.ts';
import type { ReportService } from '../../../functions/ports/report-service.ts';

const ALICE = 'alice.smith@example.com';

function call(i: number, who: Pick<AccessRecord, 'principal' | 'caller'>): AccessRecord {
  return {
    id: `req-${i}`,
    at: `2026-12-01T00:00:0${i}.000Z`,
    ...who,
    method: 'GET',
    route: 'decisions.list',
    path: '/decisions',
    query: {},
    status: who.principal ? 200 : 403,
    durationMs: 1,
  };
}

describe('sealed personal data in the API stores', () => {
  it('keeps callers sealed in the access log table, reads them back opened, and erased once forgotten', async () => {
    const db = openDatabase(':memory:');
    const { personal, close } = openLocalPersonalData();
    const log = sealedAccessLog(new SqliteAccessLog(db), personal);
    await log.record(call(1, { principal: { id: ALICE, role: 'auditor', via: 'token' } }));
    await log.record(call(2, { principal: { id: ALICE, role: 'auditor', via: 'token' } }));
    await log.record(call(3, { caller: 'bob@example.com' }));
    await log.record(call(4, {}));

    const rows = db.prepare('SELECT principal_id, body FROM api_access_log').all();
    expect(JSON.stringify(rows)).not.toMatch(/alice|bob/i);
    const reads = vi.spyOn(personal.keys, 'get');
    const opened = (await log.list()).records;
    expect(opened.map((r) => r.principal?.id ?? r.caller ?? null)).toEqual([
      ALICE,
      ALICE,
      'bob@example.com',
      null,
    ]);
    expect(reads).toHaveBeenCalledTimes(2); // one key read per person, not per record

    await personal.keys.destroy(personal.pseudonym(ALICE));
    const after = (await log.list()).records;
    expect(after[0]?.principal?.id).toBe(`erased (${personal.pseudonym(ALICE)})`);
    expect(after[2]?.caller).toBe('bob@example.com');
    close();
  });

  it('seals who asked for a report before the report service records the job', async () => {
    const { personal, close } = openLocalPersonalData();
    const start = vi.fn(async (_request, _by: Principal) => ({
      id: 'job-1',
      type: 'period-summary' as const,
      format: 'json' as const,
      status: 'queued' as const,
      progress: 0,
      createdAt: '2026-12-01T00:00:00.000Z',
    }));
    const inner: ReportService = { start, get: vi.fn(), downloadUrl: vi.fn() };
    await sealedReportService(inner, personal).start(
      { type: 'period-summary', format: 'json' },
      { id: ALICE, role: 'auditor', via: 'token' },
    );
    const by = start.mock.calls[0]?.[1];
    expect(by?.id).toMatch(/^sealed:ps1\./);
    expect(await personal.openField(by?.id ?? '')).toBe(ALICE);
    close();
  });

  it('seals who asked for a ledger export before the export service records the job', async () => {
    const { personal, close } = openLocalPersonalData();
    const start = vi.fn(async (_request, _by: Principal) => ({
      id: 'job-2',
      status: 'queued' as const,
      progress: 0,
      createdAt: '2026-12-01T00:00:00.000Z',
    }));
    const inner: LedgerExportService = { start, get: vi.fn(), downloadUrl: vi.fn() };
    await sealedLedgerExportService(inner, personal).start({}, { id: ALICE, role: 'auditor', via: 'token' });
    const by = start.mock.calls[0]?.[1];
    expect(by?.id).toMatch(/^sealed:ps1\./);
    expect(await personal.openField(by?.id ?? '')).toBe(ALICE);
    close();
  });
});
