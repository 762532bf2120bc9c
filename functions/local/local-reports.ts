/**
 * Reports on one machine, wired as in AWS: the API records a job (SQLite) and publishes `Verdict Report
 * Requested` on the in-process bus; the route table sends it to the report worker, the same handler as the
 * Lambda function's, which builds the report into the data directory's archive:
 *
 *   jobs      the `report_jobs` table of verdict.db (SqliteReportJobStore)
 *   archive   `<dataDir>/reports/` (FilesystemReportArchive): report, signed manifest, citations
 *   ledger    the runtime's own ledger, for positions and the checkpoint a report cites
 *   signer    the ledger's key (`<dataDir>/ledger/signer.key`): `report verify` trusts the ledger's keys
 *
 * Ledger exports (`POST /ledger/exports`) are jobs of the same store, built by the same worker from the
 * runtime's ledger into the same archive.
 */
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { FilesystemReportArchive } from '../adapters/local/filesystem-report-archive.ts';
import { loadOrCreateSignerKey } from '../adapters/local/ledger/key-file.ts';
import { ledgerDir } from '../adapters/local/ledger/sqlite-ledger.ts';
import type { SqliteDatabase } from '../adapters/local/sqlite-database.ts';
import { SqliteReportJobStore } from '../adapters/local/sqlite-report-job-store.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Signer } from '../ledger/ports/signer.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { LedgerExportService } from '../ports/ledger-export-service.ts';
import type { LedgerReader } from '../ports/ledger-reader.ts';
import type { ReportService } from '../ports/report-service.ts';
import { QueuedLedgerExportService } from '../reports/ledger-export-service.ts';
import type { ReportSources } from '../reports/report-inputs.ts';
import { QueuedReportService } from '../reports/report-service.ts';
import { once } from '../shared/once.ts';

export interface LocalReportsOptions {
  db: SqliteDatabase;
  dataDir: string;
  /** The stores a report reads, but the ledger. */
  stores: Omit<ReportSources, 'ledger'>;
  /** The runtime's ledger, opened on first use. */
  openLedger: () => Promise<Ledger>;
  /** The runtime's ledger reader: where each decision sits, and a checkpoint covering every decision. */
  reader: LedgerReader;
  events: EventPublisher;
  /** Where the local server listens; download links start with it. */
  publicUrl: () => string;
  now: () => Date;
}

/** What a report is built from locally: the runtime's stores and ledger, and the manifest signer. */
export interface LocalReportContext {
  sources: ReportSources;
  signer(): Promise<Signer>;
  /** The keys a local report's manifest and checkpoint verify under. */
  verifierKeys(): Promise<string[]>;
}

export interface LocalReports {
  service: ReportService;
  /** Ledger exports: jobs of the same store, built by the same worker into the same archive. */
  ledgerExports: LedgerExportService;
  context: LocalReportContext;
  /** The report worker's handler (functions/reports/create-handler.ts), built on first use. */
  worker(event: unknown, context: Context): Promise<unknown>;
}

export function localReports(options: LocalReportsOptions): LocalReports {
  const { openLedger, now } = options;
  const jobs = new SqliteReportJobStore(options.db);
  const archive = new FilesystemReportArchive({
    dir: join(options.dataDir, 'reports'),
    baseUrl: options.publicUrl,
    now,
  });
  const context: LocalReportContext = {
    sources: {
      ...options.stores,
      ledger: options.reader,
    },
    signer: once(async () =>
      loadOrCreateSignerKey(join(ledgerDir(options.dataDir), 'signer.key'), (await openLedger()).origin),
    ),
    verifierKeys: async () => (await openLedger()).store.verifierKeys(),
  };
  const worker = once(async () => {
    const { createReportWorkerHandler } = await import('../reports/create-handler.ts');
    return createReportWorkerHandler({
      jobs,
      archive,
      sources: context.sources,
      signer: await context.signer(),
      tmpDir: archive.workDir,
      now,
      openLedger,
    });
  });
  return {
    service: new QueuedReportService({
      jobs,
      archive,
      events: options.events,
      sources: options.stores,
      now,
    }),
    ledgerExports: new QueuedLedgerExportService({ jobs, archive, events: options.events, now }),
    context,
    worker: async (event, lambdaContext) => (await worker())(event, lambdaContext),
  };
}
