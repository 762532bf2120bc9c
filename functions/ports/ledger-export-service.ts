/**
 * Exports of the audit ledger as one file (see README "Auditor API"): a job the report worker builds from
 * the read-only ledger, kept in the report archive under Object Lock, downloaded by a link that expires.
 * The file is a tar archive of the `verdict ledger export` layout (entries.jsonl, checkpoint,
 * checkpoints/<size>, vkey), for `verdict ledger verify FILE --key VKEY`. It needs no signed manifest: the
 * signed checkpoints inside it vouch for every entry.
 */
import type { Principal } from '../contracts/principal.ts';
import type { ReportStatus } from './report-service.ts';

/** What to export. The API validates it before `start` is called. */
export interface LedgerExportRequest {
  /** The tree size to export up to: a size the log signed a checkpoint at. Default: the newest checkpoint. */
  size?: number;
}

export interface LedgerExportJob {
  /** Matches REPORT_ID_PATTERN (ledger exports and reports share the job store). */
  id: string;
  status: ReportStatus;
  /** 0..1; 1 when done. */
  progress: number;
  /** ISO 8601. */
  createdAt: string;
  /** The size asked for, if any. */
  requestedSize?: number;
  finishedAt?: string;
  /** Why it failed; a message for the user. */
  error?: string;
  /** When done: the tree size exported (the size of its `checkpoint`). */
  treeSize?: number;
  /** Of the finished tar file (hex). */
  sha256?: string;
  sizeBytes?: number;
}

export interface LedgerExportService {
  /** Queues the export and returns at once. */
  start(request: LedgerExportRequest, requestedBy: Principal): Promise<LedgerExportJob>;
  /** The export job with this id; undefined for an unknown id or a report's. */
  get(id: string): Promise<LedgerExportJob | undefined>;
  /**
   * A link to the finished tar file that stops working after `ttlSeconds` (an S3 presigned GET in AWS, a
   * signed local URL locally); undefined unless the export is done.
   */
  downloadUrl(id: string, ttlSeconds: number): Promise<string | undefined>;
}
