/**
 * The report worker's ledger export job over the local adapters: a claimed export is written from the
 * ledger into one tar file, archived without a manifest and served by the archive's signed link; a job
 * that cannot be built fails with a message and archives nothing. Reports and exports keep to their own
 * routes: a report id is no export, an export id no report.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FilesystemReportArchive } from '../../../functions/adapters/local/filesystem-report-archive.ts';
import { openDatabase } from '../../../functions/adapters/local/sqlite-database.ts';
import { SqliteReportJobStore } from '../../../functions/adapters/local/sqlite-report-job-store.ts';
import { verifyExportAt } from '../../../functions/ledger/export/verify-export-file.ts';
import type { Ledger } from '../../../functions/ledger/ledger.ts';
import { QueuedLedgerExportService } from '../../../functions/reports/ledger-export-service.ts';
import { runReportJob } from '../../../functions/reports/report-job.ts';
import { QueuedReportService } from '../../../functions/reports/report-service.ts';
import { buildLog, logSigner, removeTempDirs } from '../../support/ledger-fixture.ts';

afterEach(removeTempDirs);

const NOW = new Date('2026-12-01T00:00:00.000Z');
const WHO = { id: 'sealed', role: 'auditor' as const, via: 'token' as const };

function setUp(openLedger?: () => Promise<Ledger>) {
  const db = openDatabase(':memory:');
  const jobs = new SqliteReportJobStore(db);
  const dir = mkdtempSync(join(tmpdir(), 'verdict-export-job-'));
  const archive = new FilesystemReportArchive({ dir, baseUrl: () => 'http://127.0.0.1:1', now: () => NOW });
  const events = { publish: async () => {} };
  const exports = new QueuedLedgerExportService({ jobs, archive, events, now: () => NOW });
  const reports = new QueuedReportService({
    jobs,
    archive,
    events,
    sources: { decisions: { list: async () => ({ decisions: [] }) } as never },
    now: () => NOW,
  });
  const run = (id: string) =>
    runReportJob(id, {
      jobs,
      archive,
      sources: {} as never,
      signer: logSigner(),
      tmpDir: archive.workDir,
      now: () => NOW,
      ...(openLedger && { openLedger }),
    });
  return { jobs, dir, archive, exports, reports, run };
}

describe('a ledger export job', () => {
  it('archives one tar of the export, without a manifest, that the archive link serves and verify accepts', async () => {
    const { ledger, signer } = await buildLog(4);
    const { exports, reports, run, dir } = setUp(async () => ledger);
    const job = await exports.start({}, WHO);
    expect(await run(job.id)).toBe('done');
    const done = await exports.get(job.id);
    expect(done).toMatchObject({ status: 'done', progress: 1, treeSize: 4 });
    expect(readdirSync(dir).filter((n) => !n.startsWith('.') && n !== 'url.key')).toEqual([`${job.id}.tar`]);

    const url = new URL((await exports.downloadUrl(job.id, 60)) ?? '');
    expect(url.pathname).toBe(`/reports/${job.id}/download`);
    const link = {
      expires: Number(url.searchParams.get('expires')),
      token: url.searchParams.get('token') ?? '',
    };
    const file = await reports.download(job.id, link);
    expect(file).toMatchObject({
      contentType: 'application/x-tar',
      fileName: `verdict-ledger-4-${job.id}.tar`,
    });
    await expect(reports.download(job.id, link, 'manifest')).rejects.toThrow(
      'the download link is not valid',
    );
    const saved = join(mkdtempSync(join(tmpdir(), 'verdict-export-file-')), 'export.tar');
    writeFileSync(saved, file.bytes);
    expect(await verifyExportAt(saved, { logKeys: [signer.verifierKey] })).toMatchObject({
      ok: true,
      entries: 4,
    });

    expect(await reports.get(job.id)).toBeUndefined();
    expect(await reports.downloadUrl(job.id, 60)).toBeUndefined();
  });

  it('exports up to the size asked for', async () => {
    const { ledger } = await buildLog(5);
    const { exports, run } = setUp(async () => ledger);
    const job = await exports.start({ size: 2 }, WHO);
    expect(await run(job.id)).toBe('done');
    expect(await exports.get(job.id)).toMatchObject({ requestedSize: 2, treeSize: 2 });
  });

  it.each([
    ['without a ledger', undefined, {}, 'this deployment exports no ledger'],
    [
      'at a size beyond the newest checkpoint',
      3,
      { size: 7 },
      'tree size 7 is beyond the newest signed checkpoint (size 3)',
    ],
  ])('fails %s with a message, archiving nothing', async (_what, entries, request, error) => {
    const log = entries === undefined ? undefined : (await buildLog(entries)).ledger;
    const { exports, run, dir } = setUp(log && (async () => log));
    const job = await exports.start(request, WHO);
    expect(await run(job.id)).toBe('failed');
    expect(await exports.get(job.id)).toMatchObject({ status: 'failed', error });
    expect(readdirSync(dir).filter((n) => n.endsWith('.tar'))).toEqual([]);
    expect(readdirSync(join(dir, '.work'))).toEqual([]);
  });

  it('is no report, and a report is no export', async () => {
    const { exports, reports, jobs } = setUp();
    const job = await exports.start({}, WHO);
    expect(await reports.get(job.id)).toBeUndefined();
    await jobs.create({
      id: 'report-1',
      type: 'period-summary',
      format: 'csv',
      status: 'queued',
      progress: 0,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      request: { type: 'period-summary', format: 'csv' },
      requestedBy: WHO,
    });
    expect(await exports.get('report-1')).toBeUndefined();
  });
});
