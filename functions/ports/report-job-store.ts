/**
 * Report jobs as the API records them and the report worker claims and finishes them: a DynamoDB table in
 * AWS, a SQLite table locally. Ledger exports are jobs of the same store and worker (`kind: 'ledger-export'`).
 */
import type { Principal } from '../contracts/principal.ts';
import type { LedgerExportJob, LedgerExportRequest } from './ledger-export-service.ts';
import type { ReportJob, ReportRequest } from './report-service.ts';

/** What every job record carries besides what its kind shows the client. */
interface JobBookkeeping {
  requestedBy: Principal;
  /** Last write by the worker; a running job not updated for STALE_AFTER_MS has died. */
  updatedAt: string;
  /** Where the file is in the archive, once done (a report's manifest is the same key + `.manifest`). */
  objectKey?: string;
}

export interface ReportJobRecord extends ReportJob, JobBookkeeping {
  /** Absent on reports (records written before ledger exports shared the store have none). */
  kind?: 'report';
  request: ReportRequest;
}

export interface LedgerExportJobRecord extends LedgerExportJob, JobBookkeeping {
  kind: 'ledger-export';
  request: LedgerExportRequest;
}

export type JobRecord = ReportJobRecord | LedgerExportJobRecord;

export type ReportJobPatch = Partial<
  Pick<
    ReportJobRecord,
    'status' | 'progress' | 'finishedAt' | 'error' | 'sha256' | 'sizeBytes' | 'objectKey'
  > &
    Pick<LedgerExportJobRecord, 'treeSize'>
> & { updatedAt: string };

export interface ReportJobStore {
  /** Records a new job; fails if the id exists. */
  create(job: JobRecord): Promise<void>;
  get(id: string): Promise<JobRecord | undefined>;
  /** queued -> running in one conditional step; false when the job is not queued (taken, finished, unknown). */
  claim(id: string, at: string): Promise<boolean>;
  update(id: string, patch: ReportJobPatch): Promise<void>;
}
