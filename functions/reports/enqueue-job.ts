/**
 * Queues a job of the report worker (a report or a ledger export): records it, then publishes `Verdict
 * Report Requested`, which the route table sends to the worker. A job that could not be announced is
 * marked failed rather than left queued.
 */
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { JobRecord, ReportJobStore } from '../ports/report-job-store.ts';
import { REPORT_REQUESTED_EVENT } from '../routes.ts';
import type { ReportRequested } from './report-job.ts';

export async function enqueueJob(
  deps: { jobs: ReportJobStore; events: EventPublisher },
  job: JobRecord,
  now: () => Date,
): Promise<void> {
  await deps.jobs.create(job);
  const detail: ReportRequested = { jobId: job.id };
  try {
    await deps.events.publish({
      source: REPORT_REQUESTED_EVENT.source,
      detailType: REPORT_REQUESTED_EVENT.detailType,
      detail,
    });
  } catch (error) {
    // Nobody will build it: say so on the job rather than leave it queued.
    const at = now().toISOString();
    await deps.jobs.update(job.id, {
      status: 'failed',
      error: `the ${job.kind === 'ledger-export' ? 'export' : 'report'} could not be queued`,
      finishedAt: at,
      updatedAt: at,
    });
    throw error;
  }
}
