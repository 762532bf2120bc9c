/**
 * Report jobs as the API records them and the report worker claims and finishes them: a DynamoDB table in
 * AWS, a SQLite table locally.
 */
import type { Principal } from '../contracts/principal.ts';
import type { ReportJob, ReportRequest } from './report-service.ts';

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
