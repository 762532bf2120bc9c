/**
 * The ReportService the API calls, the same in AWS and locally. `start` checks the request, records the job
 * (queued) and publishes a `Verdict Report Requested` event; the route table sends it to the report worker,
 * which builds the report (report-job.ts). `get` reads the job; `downloadUrl` asks the archive for a link
 * to the report, its signed manifest or its citations that expires (a presigned S3 GET in AWS, a signed
 * local link locally); `download` serves a link the archive itself answers for, a ledger export's too
 * (ledger exports share the jobs, the archive and the worker: ledger-export-service.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../contracts/principal.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import {
  type DownloadLink,
  DownloadLinkError,
  type ReportArchive,
  type ReportPart,
} from '../ports/report-archive.ts';
import type { ReportJobRecord, ReportJobStore } from '../ports/report-job-store.ts';
import type { ReportDownload, ReportJob, ReportRequest, ReportService } from '../ports/report-service.ts';
import { enqueueJob } from './enqueue-job.ts';
import { LEDGER_EXPORT_CONTENT_TYPE, ledgerExportFileName } from './ledger-export-view.ts';
import { checkReportRequest, type ReportSources } from './report-inputs.ts';
import { reportFileName, viewJob } from './report-job.ts';
import { PART_SUFFIXES } from './report-parts.ts';

export interface ReportServiceDeps {
  jobs: ReportJobStore;
  archive: ReportArchive;
  events: EventPublisher;
  /** Only `decisions` is read here (to check that a model report's model has decisions). */
  sources: Pick<ReportSources, 'decisions'>;
  now?: () => Date;
}

export class QueuedReportService implements ReportService {
  readonly #now: () => Date;

  constructor(private readonly deps: ReportServiceDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  async start(request: ReportRequest, requestedBy: Principal): Promise<ReportJob> {
    await checkReportRequest(request, this.deps.sources);
    const now = this.#now().toISOString();
    const job: ReportJobRecord = {
      id: randomUUID(),
      type: request.type,
      format: request.format,
      status: 'queued',
      progress: 0,
      createdAt: now,
      updatedAt: now,
      request,
      requestedBy,
    };
    await enqueueJob(this.deps, job, this.#now);
    return viewJob(job, this.#now());
  }

  async get(id: string): Promise<ReportJob | undefined> {
    const job = await this.deps.jobs.get(id);
    return job && job.kind !== 'ledger-export' ? viewJob(job, this.#now()) : undefined;
  }

  async downloadUrl(
    id: string,
    ttlSeconds: number,
    part: ReportPart = 'report',
  ): Promise<string | undefined> {
    const job = await this.deps.jobs.get(id);
    if (job?.kind === 'ledger-export' || job?.status !== 'done' || !job.objectKey) return undefined;
    return this.deps.archive.downloadUrl(job.objectKey, ttlSeconds, reportFileName(job), part);
  }

  async download(id: string, link: DownloadLink, part: ReportPart = 'report'): Promise<ReportDownload> {
    const { archive } = this.deps;
    if (!archive.open) throw new DownloadLinkError('invalid', 'this archive serves no download links');
    const job = await this.deps.jobs.get(id);
    // Links are issued for finished reports only: any other id is a link this service never issued.
    if (job?.status !== 'done' || !job.objectKey)
      throw new DownloadLinkError('invalid', 'the download link is not valid');
    // The archive's links serve ledger exports too (one file, no manifest or citations).
    if (job.kind === 'ledger-export') {
      if (part !== 'report') throw new DownloadLinkError('invalid', 'the download link is not valid');
      const file = await archive.open(job.objectKey, link, part);
      return {
        bytes: file.bytes,
        contentType: LEDGER_EXPORT_CONTENT_TYPE,
        fileName: ledgerExportFileName(job),
      };
    }
    const file = await archive.open(job.objectKey, link, part);
    return { ...file, fileName: `${reportFileName(job)}${PART_SUFFIXES[part]}` };
  }
}
