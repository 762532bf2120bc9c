/**
 * Reports in the local runtime, wired as in AWS: `POST /reports` records the job in SQLite and publishes
 * `Verdict Report Requested` on the in-process bus; the route table sends it to the report worker, the
 * Lambda function's own handler (createReportWorkerHandler), which archives report, signed manifest and
 * citations under `<dataDir>/reports/`. Download links go through the auditor API's router and work until
 * they expire, for that report only.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InProcessEventBus } from '../../../functions/adapters/local/in-process-event-bus.ts';
import { openDatabase } from '../../../functions/adapters/local/sqlite-database.ts';
import { SqliteReportJobStore } from '../../../functions/adapters/local/sqlite-report-job-store.ts';
import type { Authenticator } from '../../../functions/api/auth/authentication.ts';
import type { Principal } from '../../../functions/contracts/principal.ts';
import { parseVerifierKey } from '../../../functions/ledger/core/note-keys.ts';
import { createLocalServer } from '../../../functions/local/http/server.ts';
import { localLambdaContext } from '../../../functions/local/lambda-context.ts';
import { localReports } from '../../../functions/local/local-reports.ts';
import { type LocalRuntime, openLocalRuntimeAt } from '../../../functions/local/runtime.ts';
import { DownloadLinkError } from '../../../functions/ports/report-archive.ts';
import { InvalidReportRequestError } from '../../../functions/ports/report-service.ts';
import { createReportWorkerHandler } from '../../../functions/reports/create-handler.ts';
import { checkManifest, digestFile } from '../../../functions/reports/manifest.ts';
import { archiveKey } from '../../../functions/reports/worker-job.ts';
import { REPORT_REQUESTED_EVENT, routes } from '../../../functions/routes.ts';
import { DECISIONS, EXCEPTIONS } from '../../support/report-fixtures.ts';

// The worker's middy handler, watched: the local bus must reach the very factory the Lambda entry uses.
vi.mock('../../../functions/reports/create-handler.ts', async (original) => {
  const actual = await original<typeof import('../../../functions/reports/create-handler.ts')>();
  return { ...actual, createReportWorkerHandler: vi.fn(actual.createReportWorkerHandler) };
});

const AUDITOR: Principal = { id: 'alice', role: 'auditor', via: 'token' };
const dataDir = mkdtempSync(join(tmpdir(), 'verdict-local-reports-'));
let now = new Date('2026-12-01T00:00:00.000Z');
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = openLocalRuntimeAt(dataDir, { now: () => now, publicUrl: () => 'http://127.0.0.1:8787' });
  for (const d of DECISIONS) await runtime.decisions.record(d);
  // Waivers sealed, as `verdict exception grant` records them (the ledger takes no personal data in clear).
  const { personal } = runtime;
  for (const e of EXCEPTIONS)
    await runtime.exceptions.grant({
      ...e,
      approver: await personal.sealField(e.approver),
      reason: await personal.sealField(e.reason, e.approver),
    });
});

afterAll(() => runtime.close());

function reports() {
  if (!runtime.reports) throw new Error('a runtime with a data directory has reports');
  return runtime.reports;
}

const reportFile = (job: { id: string; format: string }) =>
  join(dataDir, 'reports', `${job.id}.${job.format}`);

async function verifierKeys() {
  return (await runtime.reportContext?.verifierKeys())?.map(parseVerifierKey) ?? [];
}

describe('a local report request', () => {
  it('is recorded, published on the bus and built by the Lambda worker handler', async () => {
    const started = await reports().start({ type: 'annex-iv', format: 'pdf', model: 'cv-ranker' }, AUDITOR);
    expect(started).toMatchObject({ type: 'annex-iv', format: 'pdf', status: 'queued', progress: 0 });
    expect(started.id).toMatch(/^[0-9a-f-]{36}$/);
    await runtime.bus.idle();
    expect(vi.mocked(createReportWorkerHandler)).toHaveBeenCalledTimes(1);
    expect(await runtime.bus.deadLetters.list()).toEqual([]);

    const job = await reports().get(started.id);
    expect(job).toMatchObject({
      status: 'done',
      progress: 1,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const file = reportFile(started);
    expect(await digestFile(file)).toEqual({ sha256: job?.sha256, bytes: job?.sizeBytes });
    const check = checkManifest(
      readFileSync(`${file}.manifest`, 'utf8'),
      await digestFile(file),
      await verifierKeys(),
    );
    expect(check.ok).toBe(true);
    if (check.ok) {
      expect(check.manifest.parameters).toEqual({ model: 'cv-ranker', version: '2' });
      expect(check.manifest.checkpoint?.size).toBeGreaterThanOrEqual(DECISIONS.length);
      expect(check.manifest.decisions).toBe(4);
    }
    // The job record keeps who asked (sealed); the API view does not show it.
    const db = openDatabase(join(dataDir, 'verdict.db'));
    try {
      const stored = await new SqliteReportJobStore(db).get(started.id);
      expect(stored?.requestedBy).toMatchObject({ role: 'auditor', via: 'token' });
      expect(stored?.objectKey).toBe(archiveKey(started));
    } finally {
      db.close();
    }
    expect(job).not.toHaveProperty('requestedBy');
  });

  it('is built once: a redelivered request finds the job taken', async () => {
    const started = await reports().start({ type: 'period-summary', format: 'csv' }, AUDITOR);
    await runtime.bus.idle();
    const event = {
      version: '0',
      id: 'redelivery',
      source: REPORT_REQUESTED_EVENT.source,
      'detail-type': REPORT_REQUESTED_EVENT.detailType,
      account: '000000000000',
      time: now.toISOString(),
      region: 'us-east-1',
      resources: [],
      detail: { jobId: started.id },
    };
    expect(await runtime.invoke('report-worker', event)).toEqual({ jobId: started.id, outcome: 'skipped' });
    await expect(runtime.invoke('report-worker', { ...event, detail: {} })).rejects.toThrow(
      expect.objectContaining({ code: 'event.invalid' }),
    );
  });

  it('links the ledger: every decision in a JSON export carries its entry index, cited next to it', async () => {
    const started = await reports().start({ type: 'period-summary', format: 'json' }, AUDITOR);
    await runtime.bus.idle();
    expect(await reports().get(started.id)).toMatchObject({ status: 'done' });
    const file = reportFile(started);
    const report = JSON.parse(readFileSync(file, 'utf8'));
    expect(report.decisions.map((d: { ledger: { ledgerIndex: number } }) => d.ledger.ledgerIndex)).toEqual([
      0, 1, 2, 3, 4, 5, 6,
    ]);
    expect(report.summary.exceptions.granted).toHaveLength(2);
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

  it('is refused before it is queued when it cannot be served', async () => {
    await expect(
      reports().start({ type: 'annex-iv', format: 'pdf', model: 'no-such-model' }, AUDITOR),
    ).rejects.toThrow(new InvalidReportRequestError('no decision is recorded for model no-such-model'));
    await expect(reports().start({ type: 'model-compliance', format: 'csv' }, AUDITOR)).rejects.toThrow(
      InvalidReportRequestError,
    );
    await expect(
      reports().start(
        { type: 'period-summary', format: 'csv', from: '2026-12-01T00:00:00Z', to: '2026-11-01T00:00:00Z' },
        AUDITOR,
      ),
    ).rejects.toThrow(new InvalidReportRequestError('from must be before to'));
  });

  it('that fails is recorded failed, with a message for the user, and has no link', async () => {
    const db = openDatabase(':memory:');
    const dir = mkdtempSync(join(tmpdir(), 'verdict-local-reports-broken-'));
    const wired = localReports({
      db,
      dataDir: dir,
      stores: {
        decisions: { list: async () => Promise.reject(new Error('the decision store is unavailable')) },
        exceptions: { listFor: async () => [] },
      },
      openLedger: async () => runtime.openLedger(),
      reader: runtime.ledger as NonNullable<typeof runtime.ledger>,
      events: { publish: (event) => bus.publish(event) },
      publicUrl: () => 'http://127.0.0.1:8787',
      now: () => now,
    });
    const bus = new InProcessEventBus(
      routes,
      {
        'model-registry-gate': async () => undefined,
        'deployment-orchestrator': async () => undefined,
        'report-worker': (event) => wired.worker(event, localLambdaContext('report-worker', 900)),
      },
      { background: ['report-worker'] },
    );
    const started = await wired.service.start({ type: 'period-summary', format: 'csv' }, AUDITOR);
    await bus.idle();
    expect(await wired.service.get(started.id)).toMatchObject({
      status: 'failed',
      error: 'the decision store is unavailable',
    });
    expect(await wired.service.downloadUrl(started.id, 60)).toBeUndefined();
    db.close();
  });
});

describe('download links', () => {
  it('link the signed manifest and the citations too, each served as a file named after the report', async () => {
    const authenticate: Authenticator = async () => ({ kind: 'unauthenticated', detail: 'no token' });
    const server = createLocalServer(runtime, { authenticate });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const local = (url: URL) => `http://127.0.0.1:${port}${url.pathname}${url.search}`;
    try {
      const started = await reports().start({ type: 'period-summary', format: 'json' }, AUDITOR);
      await runtime.bus.idle();
      const file = reportFile(started);
      for (const [part, suffix, type] of [
        ['manifest', '.manifest', 'text/plain; charset=utf-8'],
        ['citations', '.citations', 'application/x-ndjson'],
      ] as const) {
        const link = new URL((await reports().downloadUrl(started.id, 60, part)) ?? '');
        expect(link.searchParams.get('part')).toBe(part);
        const response = await fetch(local(link));
        expect(response.status, part).toBe(200);
        expect(response.headers.get('content-type'), part).toBe(type);
        expect(response.headers.get('content-disposition'), part).toBe(
          `attachment; filename="verdict-period-summary-${started.id}.json${suffix}"`,
        );
        expect(await response.text(), part).toBe(readFileSync(`${file}${suffix}`, 'utf8'));
      }
      const bogus = new URL((await reports().downloadUrl(started.id, 60, 'manifest')) ?? '');
      bogus.searchParams.set('part', 'keys');
      const refused = await fetch(local(bogus));
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({
        title: 'Invalid query',
        errors: ['part: Invalid option: expected one of "report"|"manifest"|"citations"'],
      });
      expect(existsSync(join(dataDir, 'reports', `${started.id}.json.keys`))).toBe(false);
    } finally {
      server.close();
    }
  });

  it('work until they expire, for one report only', async () => {
    const started = await reports().start({ type: 'period-summary', format: 'csv' }, AUDITOR);
    expect(await reports().downloadUrl(started.id, 60)).toBeUndefined();
    await runtime.bus.idle();
    const url = new URL((await reports().downloadUrl(started.id, 60)) ?? '');
    expect(url.origin).toBe('http://127.0.0.1:8787');
    expect(url.pathname).toBe(`/reports/${started.id}/download`);
    const link = {
      expires: Number(url.searchParams.get('expires')),
      token: url.searchParams.get('token') ?? '',
    };
    expect(await reports().download?.(started.id, link)).toMatchObject({
      contentType: 'text/csv; charset=utf-8; header=present',
      fileName: `verdict-period-summary-${started.id}.csv`,
    });

    const other = await reports().start({ type: 'period-summary', format: 'json' }, AUDITOR);
    await runtime.bus.idle();
    const refused = (id: string, l: typeof link) => reports().download?.(id, l);
    await expect(refused(other.id, link)).rejects.toThrow(
      new DownloadLinkError('invalid', 'the download link is not valid'),
    );
    await expect(refused(started.id, { ...link, expires: link.expires + 3600 })).rejects.toThrow(
      'the download link is not valid',
    );
    await expect(refused(started.id, { expires: 1, token: 'x' })).rejects.toThrow(
      'the download link is malformed',
    );
    await expect(refused('no-such-report', link)).rejects.toThrow('the download link is not valid');

    const saved = now;
    now = new Date(now.getTime() + 61_000);
    await expect(refused(started.id, link)).rejects.toMatchObject({ reason: 'expired' });
    now = saved;
  });

  it('are answered by the auditor API on the local server, and recorded in its access log', async () => {
    const authenticate: Authenticator = async () => ({ kind: 'unauthenticated', detail: 'no token' });
    const server = createLocalServer(runtime, { authenticate });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const started = await reports().start({ type: 'period-summary', format: 'html' }, AUDITOR);
      await runtime.bus.idle();
      const link = new URL((await reports().downloadUrl(started.id, 60)) ?? '');
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
      expect(await bad.json()).toMatchObject({
        title: 'Forbidden',
        detail: 'the download link is not valid',
      });
      const { records } = await runtime.accessLog.list({ limit: 1000 });
      const downloads = records.filter((r) => r.route === 'reports.download' && r.path === link.pathname);
      expect(downloads.map((r) => [r.status, r.query])).toEqual(
        expect.arrayContaining([
          [200, { expires: link.searchParams.get('expires'), token: '[redacted]' }],
          [403, { expires: '1', token: '[redacted]' }],
        ]),
      );
    } finally {
      server.close();
    }
  });
});
