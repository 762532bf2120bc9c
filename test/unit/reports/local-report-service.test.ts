/**
 * The local ReportService over the real embedded stores (SQLite decisions and exceptions, an in-memory
 * ledger that recorded the decisions): jobs run in the background with progress, the report and its
 * manifest land in `<dataDir>/reports/`, and the download link works until it expires, for that report only.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLedgerStore } from '../../../functions/adapters/local/ledger-memory-store.ts';
import { LocalReportService } from '../../../functions/adapters/local/local-report-service.ts';
import { openDatabase } from '../../../functions/adapters/local/sqlite-database.ts';
import { SqliteDecisionStore } from '../../../functions/adapters/local/sqlite-decision-store.ts';
import { SqliteExceptionStore } from '../../../functions/adapters/local/sqlite-exception-store.ts';
import { parseVerifierKey } from '../../../functions/ledger/core/note-keys.ts';
import { Ledger } from '../../../functions/ledger/ledger.ts';
import { isReportDownload, serveReportDownload } from '../../../functions/local/http/report-download.ts';
import type { AccessRecord } from '../../../functions/ports/access-log.ts';
import { InvalidReportRequestError, type Principal } from '../../../functions/ports/report-service.ts';
import { checkManifest, digestFile } from '../../../functions/reports/manifest.ts';
import { DECISIONS, EXCEPTIONS, ORIGIN, SIGNER } from './fixtures.ts';

const AUDITOR: Principal = { id: 'alice', role: 'auditor', via: 'token' };
const dataDir = mkdtempSync(join(tmpdir(), 'verdict-report-service-'));
let now = new Date('2026-12-01T00:00:00.000Z');
let service: LocalReportService;
let ledger: Ledger;

beforeAll(async () => {
  const db = openDatabase(':memory:');
  const decisions = new SqliteDecisionStore(db);
  const exceptions = new SqliteExceptionStore(db);
  for (const d of DECISIONS) await decisions.record(d);
  for (const e of EXCEPTIONS) await exceptions.grant(e);
  const store = new MemoryLedgerStore();
  ledger = await Ledger.open({ store, signer: SIGNER, origin: ORIGIN });
  for (const d of DECISIONS) await ledger.recordDecision(d);
  await ledger.checkpoint();
  service = new LocalReportService({
    dataDir,
    sources: { decisions, exceptions, ledger: store },
    signer: SIGNER,
    baseUrl: () => 'http://127.0.0.1:8787',
    now: () => now,
  });
});

afterAll(async () => {
  await ledger.close();
});

describe('LocalReportService', () => {
  it('runs a job in the background and keeps report, manifest and job under <dataDir>/reports', async () => {
    const started = await service.start({ type: 'annex-iv', format: 'pdf', model: 'cv-ranker' }, AUDITOR);
    expect(started).toMatchObject({ type: 'annex-iv', format: 'pdf', status: 'queued', progress: 0 });
    expect(started.id).toMatch(/^[0-9a-f-]{36}$/);
    await service.idle();
    const job = await service.get(started.id);
    expect(job).toMatchObject({
      status: 'done',
      progress: 1,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const file = join(dataDir, 'reports', `${started.id}.pdf`);
    expect(await digestFile(file)).toEqual({ sha256: job?.sha256, bytes: job?.sizeBytes });
    const manifest = readFileSync(`${file}.manifest`, 'utf8');
    expect(service.manifest(started.id)).toBe(manifest);
    const check = checkManifest(manifest, await digestFile(file), [parseVerifierKey(SIGNER.verifierKey)]);
    expect(check.ok).toBe(true);
    if (check.ok) {
      expect(check.manifest.parameters).toEqual({ model: 'cv-ranker', version: '2' });
      expect(check.manifest.checkpoint?.size).toBe(DECISIONS.length);
      expect(check.manifest.decisions).toBe(4);
    }
    // The job file keeps who asked; the API view does not show it.
    const stored = JSON.parse(readFileSync(join(dataDir, 'reports', `${started.id}.job.json`), 'utf8'));
    expect(stored.requestedBy).toEqual(AUDITOR);
    expect(job).not.toHaveProperty('requestedBy');
  });

  it('links the ledger: every decision in a JSON export carries its entry index', async () => {
    const started = await service.start({ type: 'period-summary', format: 'json' }, AUDITOR);
    await service.idle();
    const report = JSON.parse(readFileSync(join(dataDir, 'reports', `${started.id}.json`), 'utf8'));
    expect(report.decisions.map((d: { ledger: { ledgerIndex: number } }) => d.ledger.ledgerIndex)).toEqual([
      0, 1, 2, 3, 4, 5, 6,
    ]);
    expect(report.summary.exceptions.granted).toHaveLength(2);
    // The same entries, in the same order, in the citations file the manifest signs.
    const file = join(dataDir, 'reports', `${started.id}.json`);
    const citations = readFileSync(`${file}.citations`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(citations.map((c: { index: number }) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(citations[0]).toEqual({
      decision: report.decisions[0].id,
      index: 0,
      leafHash: report.decisions[0].ledger.entryHash,
      outcome: report.decisions[0].decision,
    });
  });

  it('refuses a request it cannot serve, before queueing it', async () => {
    await expect(
      service.start({ type: 'annex-iv', format: 'pdf', model: 'no-such-model' }, AUDITOR),
    ).rejects.toThrow(new InvalidReportRequestError('no decision is recorded for model no-such-model'));
    await expect(service.start({ type: 'model-compliance', format: 'csv' }, AUDITOR)).rejects.toThrow(
      InvalidReportRequestError,
    );
    await expect(
      service.start(
        { type: 'period-summary', format: 'csv', from: '2026-12-01T00:00:00Z', to: '2026-11-01T00:00:00Z' },
        AUDITOR,
      ),
    ).rejects.toThrow(new InvalidReportRequestError('from must be before to'));
  });

  it('records a failed job with a message for the user', async () => {
    const broken = new LocalReportService({
      dataDir,
      sources: {
        decisions: { list: async () => Promise.reject(new Error('the decision store is unavailable')) },
        exceptions: { listFor: async () => [] },
      },
      signer: SIGNER,
      baseUrl: () => 'http://127.0.0.1:8787',
    });
    const started = await broken.start({ type: 'period-summary', format: 'csv' }, AUDITOR);
    await broken.idle();
    expect(await broken.get(started.id)).toMatchObject({
      status: 'failed',
      error: 'the decision store is unavailable',
    });
    expect(await broken.downloadUrl(started.id, 60)).toBeUndefined();
  });

  it('signs download links that work until they expire, for one report only', async () => {
    const started = await service.start({ type: 'period-summary', format: 'csv' }, AUDITOR);
    expect(await service.downloadUrl(started.id, 60)).toBeUndefined();
    await service.idle();
    const url = new URL((await service.downloadUrl(started.id, 60)) ?? '');
    expect(url.origin).toBe('http://127.0.0.1:8787');
    expect(url.pathname).toBe(`/reports/${started.id}/download`);
    expect(service.checkDownload(started.id, url.searchParams)).toMatchObject({
      ok: true,
      contentType: 'text/csv; charset=utf-8; header=present',
    });

    const other = await service.start({ type: 'period-summary', format: 'json' }, AUDITOR);
    await service.idle();
    expect(service.checkDownload(other.id, url.searchParams)).toMatchObject({ ok: false, status: 403 });
    const forged = new URLSearchParams(url.searchParams);
    forged.set('expires', String(Number(forged.get('expires')) + 3600));
    expect(service.checkDownload(started.id, forged)).toMatchObject({ ok: false, status: 403 });
    expect(service.checkDownload(started.id, new URLSearchParams('expires=1&token=x'))).toMatchObject({
      ok: false,
      status: 403,
    });

    const saved = now;
    now = new Date(now.getTime() + 61_000);
    expect(service.checkDownload(started.id, url.searchParams)).toMatchObject({ ok: false, status: 410 });
    now = saved;
  });

  it('serves a download link over HTTP for the local server', async () => {
    const started = await service.start({ type: 'period-summary', format: 'html' }, AUDITOR);
    await service.idle();
    const recorded: AccessRecord[] = [];
    const accessLog = {
      record: async (r: AccessRecord) => void recorded.push(r),
      list: async () => ({ records: [] }),
    };
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (isReportDownload(url)) void serveReportDownload(service, accessLog, req, url, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const link = new URL((await service.downloadUrl(started.id, 60)) ?? '');
      const ok = await fetch(`http://127.0.0.1:${port}${link.pathname}${link.search}`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(ok.headers.get('content-disposition')).toBe(
        `attachment; filename="verdict-period-summary-${started.id}.html"`,
      );
      expect(await ok.text()).toContain('<h1>Gate activity: period summary</h1>');
      const bad = await fetch(`http://127.0.0.1:${port}${link.pathname}?expires=1&token=${'A'.repeat(43)}`);
      expect(bad.status).toBe(403);
      expect(bad.headers.get('content-type')).toBe('application/problem+json');
      expect(recorded.map((r) => [r.route, r.status, r.query])).toEqual([
        ['reports.download', 200, { expires: link.searchParams.get('expires') }],
        ['reports.download', 403, { expires: '1' }],
      ]);
    } finally {
      server.close();
    }
  });
});
