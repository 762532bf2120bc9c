/**
 * Report jobs in AWS: the API records a job and asks for it with a `Verdict Report Requested` event; the
 * report-worker function claims the job (once, whatever the number of deliveries), builds the report into
 * its /tmp while hashing it, stores report and signed manifest write-once in the reports bucket and
 * records the outcome on the job. These are the ports it needs and the worker's core.
 */
import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Signer } from '../ledger/ports/signer.ts';
import type { Principal, ReportJob, ReportRequest } from '../ports/report-service.ts';
import { CONTENT_TYPES, generateReport } from './generate-report.ts';
import type { ReportSources } from './report-inputs.ts';
import type { Progress } from './report-model.ts';

export { REPORT_REQUESTED_EVENT } from '../routes.ts';

/** The event detail that asks the worker to build a job. */
export interface ReportRequested {
  jobId: string;
}

export interface ReportJobRecord extends ReportJob {
  request: ReportRequest;
  requestedBy: Principal;
  /** Last write by the worker; a running job not updated for STALE_AFTER_MS has died. */
  updatedAt: string;
  /** Where the report is in the archive, once done (its manifest is the same key + `.manifest`). */
  objectKey?: string;
}

export type ReportJobPatch = Partial<
  Pick<ReportJobRecord, 'status' | 'progress' | 'finishedAt' | 'error' | 'sha256' | 'sizeBytes' | 'objectKey'>
> & { updatedAt: string };

export interface ReportJobStore {
  /** Records a new job; fails if the id exists. */
  create(job: ReportJobRecord): Promise<void>;
  get(id: string): Promise<ReportJobRecord | undefined>;
  /** queued -> running in one conditional step; false when the job is not queued (taken, finished, unknown). */
  claim(id: string, at: string): Promise<boolean>;
  update(id: string, patch: ReportJobPatch): Promise<void>;
}

export interface ArchivedFile {
  /** A local file (the worker's /tmp). */
  path: string;
  /** Hex. */
  sha256: string;
  bytes: number;
  contentType: string;
}

/** Where finished reports are kept, write-once (S3 with Object Lock in AWS). */
export interface ReportArchive {
  /** Stores the report and, at `<key>.manifest`, its signed manifest. */
  put(key: string, report: ArchivedFile, manifest: string): Promise<void>;
  /** A GET link to the report that stops working after `ttlSeconds`. */
  downloadUrl(key: string, ttlSeconds: number, fileName: string): Promise<string>;
}

/** A Lambda invocation lasts at most 15 minutes: a job still running 20 minutes after its last update died. */
export const STALE_AFTER_MS = 20 * 60 * 1000;

/** A job's 0..1 progress: the first pass (counting) is the first 5%, writing the rest. */
export function jobProgress(p: Progress): number {
  if (p.phase === 'done') return 1;
  if (p.phase === 'scanning') return 0.01;
  if (!p.total) return 0.05;
  return Math.min(0.99, 0.05 + (0.94 * p.done) / p.total);
}

/** How a client sees a stored job: a running job that stopped updating is reported as failed. */
export function viewJob(record: ReportJobRecord, now: Date): ReportJob {
  const { request: _request, requestedBy: _by, updatedAt, objectKey: _key, ...job } = record;
  if (
    (job.status === 'running' || job.status === 'queued') &&
    now.getTime() - Date.parse(updatedAt) > STALE_AFTER_MS
  )
    return {
      ...job,
      status: 'failed',
      error: 'the report worker stopped before finishing; start the report again',
    };
  return job;
}

export function archiveKey(job: Pick<ReportJob, 'id' | 'format' | 'createdAt'>): string {
  return `reports/${job.createdAt.slice(0, 7)}/${job.id}.${job.format}`;
}

export interface ReportWorkerDeps {
  jobs: ReportJobStore;
  archive: ReportArchive;
  sources: ReportSources;
  signer: Signer;
  /** Scratch space for the report file (Lambda: /tmp; size it with the function's ephemeral storage). */
  tmpDir: string;
  now: () => Date;
  /** How often progress is written to the job store. */
  progressIntervalMs?: number;
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
  const path = join(deps.tmpDir, `verdict-report-${job.id}.${job.format}`);
  const interval = deps.progressIntervalMs ?? 2000;
  let lastWrite = 0;
  let pending: Promise<void> = Promise.resolve();
  try {
    const result = await generateReport({
      request: job.request,
      sources: deps.sources,
      signer: deps.signer,
      out: createWriteStream(path),
      now: deps.now(),
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
    rmSync(path, { force: true });
  }
}
