/**
 * The LedgerExportService the API calls, the same in AWS and locally, over the report machinery: `start`
 * records a `ledger-export` job in the report jobs store and publishes `Verdict Report Requested`, so the
 * report worker builds it (ledger-export-job.ts) into the report archive; `get` reads the job and
 * `downloadUrl` asks the archive for a link to the tar file that expires. The link itself is answered as a
 * report's is (QueuedReportService.download locally, S3 in AWS).
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../contracts/principal.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type {
  LedgerExportJob,
  LedgerExportRequest,
  LedgerExportService,
} from '../ports/ledger-export-service.ts';
import type { ReportArchive } from '../ports/report-archive.ts';
import type { LedgerExportJobRecord, ReportJobStore } from '../ports/report-job-store.ts';
import { enqueueJob } from './enqueue-job.ts';
import { ledgerExportFileName, viewLedgerExport } from './ledger-export-view.ts';

export interface LedgerExportServiceDeps {
  jobs: ReportJobStore;
  archive: ReportArchive;
  events: EventPublisher;
  now?: () => Date;
}

export class QueuedLedgerExportService implements LedgerExportService {
  readonly #now: () => Date;

  constructor(private readonly deps: LedgerExportServiceDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  async start(request: LedgerExportRequest, requestedBy: Principal): Promise<LedgerExportJob> {
    const now = this.#now().toISOString();
    const job: LedgerExportJobRecord = {
      kind: 'ledger-export',
      id: randomUUID(),
      status: 'queued',
      progress: 0,
      createdAt: now,
      updatedAt: now,
      ...(request.size !== undefined && { requestedSize: request.size }),
      request,
      requestedBy,
    };
    await enqueueJob(this.deps, job, this.#now);
    return viewLedgerExport(job, this.#now());
  }

  async get(id: string): Promise<LedgerExportJob | undefined> {
    const job = await this.deps.jobs.get(id);
    return job?.kind === 'ledger-export' ? viewLedgerExport(job, this.#now()) : undefined;
  }

  async downloadUrl(id: string, ttlSeconds: number): Promise<string | undefined> {
    const job = await this.deps.jobs.get(id);
    if (job?.kind !== 'ledger-export' || job.status !== 'done' || !job.objectKey) return undefined;
    return this.deps.archive.downloadUrl(job.objectKey, ttlSeconds, ledgerExportFileName(job), 'report');
  }
}
