/**
 * What every job of the report worker shares, reports and ledger exports alike: its dependencies, where its
 * file is archived, and when a job that stopped updating counts as dead.
 */
import type { Ledger } from '../ledger/ledger.ts';
import type { Signer } from '../ledger/ports/signer.ts';
import type { ReportArchive } from '../ports/report-archive.ts';
import type { JobRecord, ReportJobStore } from '../ports/report-job-store.ts';
import type { ReportSources } from './report-inputs.ts';

/** A Lambda invocation lasts at most 15 minutes: a job still running 20 minutes after its last update died. */
export const STALE_AFTER_MS = 20 * 60 * 1000;

/** A job queued or running that has not been updated for STALE_AFTER_MS: its worker died. */
export function isStale(record: Pick<JobRecord, 'status' | 'updatedAt'>, now: Date): boolean {
  return (
    (record.status === 'running' || record.status === 'queued') &&
    now.getTime() - Date.parse(record.updatedAt) > STALE_AFTER_MS
  );
}

/** Where a finished job's file is archived; `format` is the file's extension (a report's format, `tar`). */
export function archiveKey(job: { id: string; format: string; createdAt: string }): string {
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
  /** The audit ledger, read only, for ledger exports; without it an export job fails. */
  openLedger?: () => Promise<Ledger>;
}

/** What a job record keeps for the worker alone: never shown to a client. */
type Bookkeeping = 'request' | 'requestedBy' | 'updatedAt' | 'objectKey' | 'kind';

/**
 * How a client sees a stored job of any kind: without the worker's bookkeeping, and a job that stopped
 * updating reported as failed, with `staleError` as the reason.
 */
export function clientView<R extends JobRecord>(
  record: R,
  now: Date,
  staleError: string,
): Omit<R, Bookkeeping> {
  const {
    request: _request,
    requestedBy: _by,
    updatedAt: _at,
    objectKey: _key,
    kind: _kind,
    ...job
  } = record;
  return isStale(record, now) ? { ...job, status: 'failed', error: staleError } : job;
}
