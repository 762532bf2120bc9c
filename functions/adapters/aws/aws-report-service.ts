/**
 * ReportService in AWS. `start` checks the request, records the job (queued) and publishes a `Verdict
 * Report Requested` event on the Verdict bus; a rule routes it to the report-worker function, which builds
 * the report (functions/reports/report-job.ts). `get` reads the job; `downloadUrl` presigns a GET of the
 * locked object that expires.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../contracts/principal.ts';
import type { EventPublisher } from '../../ports/event-publisher.ts';
import type { ReportJob, ReportRequest, ReportService } from '../../ports/report-service.ts';
import { checkReportRequest, type ReportSources } from '../../reports/report-inputs.ts';
import {
  REPORT_REQUESTED_EVENT,
  type ReportArchive,
  type ReportJobRecord,
  type ReportJobStore,
  type ReportRequested,
  viewJob,
} from '../../reports/report-job.ts';

export interface AwsReportServiceDeps {
  jobs: ReportJobStore;
  archive: ReportArchive;
  events: EventPublisher;
  /** Only `decisions` is read here (to check that a model report's model has decisions). */
  sources: Pick<ReportSources, 'decisions'>;
  now?: () => Date;
}

export class AwsReportService implements ReportService {
  readonly #now: () => Date;

  constructor(private readonly deps: AwsReportServiceDeps) {
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
    await this.deps.jobs.create(job);
    const detail: ReportRequested = { jobId: job.id };
    try {
      await this.deps.events.publish({
        source: REPORT_REQUESTED_EVENT.source,
        detailType: REPORT_REQUESTED_EVENT.detailType,
        detail,
      });
    } catch (error) {
      // Nobody will build it: say so on the job rather than leave it queued.
      const at = this.#now().toISOString();
      await this.deps.jobs.update(job.id, {
        status: 'failed',
        error: 'the report could not be queued',
        finishedAt: at,
        updatedAt: at,
      });
      throw error;
    }
    return viewJob(job, this.#now());
  }

  async get(id: string): Promise<ReportJob | undefined> {
    const job = await this.deps.jobs.get(id);
    return job ? viewJob(job, this.#now()) : undefined;
  }

  async downloadUrl(id: string, ttlSeconds: number): Promise<string | undefined> {
    const job = await this.deps.jobs.get(id);
    if (job?.status !== 'done' || !job.objectKey) return undefined;
    return this.deps.archive.downloadUrl(
      job.objectKey,
      ttlSeconds,
      `verdict-${job.type}-${job.id}.${job.format}`,
    );
  }
}
