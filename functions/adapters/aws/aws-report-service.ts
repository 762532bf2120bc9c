/**
 * ReportService in AWS. `start` checks the request, records the job (queued) and publishes a `Verdict
 * Report Requested` event on the Verdict bus; a rule routes it to the report-worker function, which builds
 * the report (functions/reports/report-job.ts). `get` reads the job; `downloadUrl` presigns a GET of the
 * locked object that expires.
 */
import { randomUUID } from 'node:crypto';
import type { EventPublisher } from '../../ports/event-publisher.ts';
import {
  InvalidReportRequestError,
  type Principal,
  type ReportJob,
  type ReportRequest,
  type ReportService,
} from '../../ports/report-service.ts';
import {
  NEEDS_MODEL,
  type ReportSources,
  requestProblems,
  resolveModelVersion,
} from '../../reports/report-inputs.ts';
import {
  REPORT_REQUESTED_EVENT,
  type ReportArchive,
  type ReportJobRecord,
  type ReportJobStore,
  type ReportRequested,
  viewJob,
} from '../../reports/report-job.ts';
import { ReportInputError } from '../../reports/report-model.ts';

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
    const problems = requestProblems(request);
    if (problems.length) throw new InvalidReportRequestError(problems.join('; '));
    if (NEEDS_MODEL.includes(request.type)) {
      try {
        await resolveModelVersion(request, {
          decisions: this.deps.sources.decisions,
          exceptions: { listFor: async () => [] },
        });
      } catch (error) {
        if (error instanceof ReportInputError) throw new InvalidReportRequestError(error.message);
        throw error;
      }
    }
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
