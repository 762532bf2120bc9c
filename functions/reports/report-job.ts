/**
 * The report worker's core, plain code over ports, the same in AWS and locally: the API records a job and
 * asks for it with a `Verdict Report Requested` event; the report worker claims the job (once, whatever the
 * number of deliveries), builds the report into its scratch space while hashing it, stores report and
 * signed manifest write-once in the archive and records the outcome on the job. A ledger export is a job
 * of the same kind of life (ledger-export-job.ts).
 */
import { closeSync, createWriteStream, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ReportJobRecord } from '../ports/report-job-store.ts';
import type { ReportJob } from '../ports/report-service.ts';
import { CITATIONS_SUFFIX } from './citations.ts';
import { CONTENT_TYPES } from './content-types.ts';
import type { Progress } from './report-model.ts';
import { archiveKey, clientView, type ReportWorkerDeps } from './worker-job.ts';

/** The event detail that asks the worker to build a job. */
export interface ReportRequested {
  jobId: string;
}

/** A job's 0..1 progress: the first pass (counting) is the first 5%, writing the rest. */
function jobProgress(p: Progress): number {
  if (p.phase === 'done') return 1;
  if (p.phase === 'scanning') return 0.01;
  if (!p.total) return 0.05;
  return Math.min(0.99, 0.05 + (0.94 * p.done) / p.total);
}

/** How a client sees a stored job: a running job that stopped updating is reported as failed. */
export function viewJob(record: ReportJobRecord, now: Date): ReportJob {
  return clientView(record, now, 'the report worker stopped before finishing; start the report again');
}

/** The job id an archive key was made from (archiveKey's inverse). */
export function jobIdOfKey(key: string): string {
  return basename(key).replace(/\.[^.]+$/, '');
}

/** The name a downloaded report is saved under. */
export function reportFileName(job: Pick<ReportJob, 'id' | 'type' | 'format'>): string {
  return `verdict-${job.type}-${job.id}.${job.format}`;
}

/**
 * Builds one job. Redeliveries of the request find the job no longer queued and do nothing. A report that
 * cannot be built (bad request, missing data, a store error) fails the job with a message for the user;
 * the worker does not throw for it, so the event is not retried into the same failure.
 */
export async function runReportJob(
  jobId: string,
  deps: ReportWorkerDeps,
): Promise<'done' | 'failed' | 'skipped'> {
  const at = () => deps.now().toISOString();
  if (!(await deps.jobs.claim(jobId, at()))) return 'skipped';
  const job = await deps.jobs.get(jobId);
  if (!job) return 'skipped';
  if (job.kind === 'ledger-export') {
    const { runLedgerExportJob } = await import('./ledger-export-job.ts');
    return runLedgerExportJob(job, deps);
  }
  const path = join(deps.tmpDir, `verdict-report-${job.id}.${job.format}`);
  const citationsPath = deps.archive.keepsCitations ? `${path}${CITATIONS_SUFFIX}` : undefined;
  const citations = citationsPath === undefined ? undefined : openSync(citationsPath, 'w', 0o600);
  const interval = deps.progressIntervalMs ?? 2000;
  let lastWrite = 0;
  let pending: Promise<void> = Promise.resolve();
  try {
    // Loaded with the first job: the renderers (pdfkit) stay out of the start-up of whoever wires a worker.
    const { generateReport } = await import('./generate-report.ts');
    const result = await generateReport({
      request: job.request,
      sources: deps.sources,
      signer: deps.signer,
      out: createWriteStream(path),
      now: deps.now(),
      ...(citations !== undefined && { citations: (line: string) => writeSync(citations, line) }),
      onProgress: (p) => {
        const t = Date.now();
        if (t - lastWrite < interval) return;
        lastWrite = t;
        pending = pending
          .then(() => deps.jobs.update(jobId, { progress: jobProgress(p), updatedAt: at() }))
          .catch(() => {});
      },
    });
    await pending;
    if (citations !== undefined) fsyncSync(citations);
    const key = archiveKey(job);
    await deps.archive.put(
      key,
      {
        path,
        sha256: result.manifest.reportSha256,
        bytes: result.manifest.reportBytes,
        contentType: CONTENT_TYPES[job.format],
      },
      result.manifestNote,
      result.manifest.citations ? citationsPath : undefined,
    );
    await deps.jobs.update(jobId, {
      status: 'done',
      progress: 1,
      finishedAt: at(),
      sha256: result.manifest.reportSha256,
      sizeBytes: result.manifest.reportBytes,
      objectKey: key,
      updatedAt: at(),
    });
    return 'done';
  } catch (error) {
    await pending;
    await deps.jobs.update(jobId, {
      status: 'failed',
      finishedAt: at(),
      error: error instanceof Error ? error.message : String(error),
      updatedAt: at(),
    });
    return 'failed';
  } finally {
    if (citations !== undefined) closeSync(citations);
    rmSync(path, { force: true });
    if (citationsPath !== undefined) rmSync(citationsPath, { force: true });
  }
}
