/**
 * Starts and tracks report exports (see README "Auditor API" and "Reports"). The API calls this port;
 * functions/reports/report-service.ts implements it over a job store, an archive and the event bus, in AWS
 * (DynamoDB, S3 with Object Lock, EventBridge) and locally (SQLite, the data directory, the in-process bus).
 */
import type { Principal } from '../contracts/principal.ts';
import type { DownloadLink, ReportPart } from './report-archive.ts';

export const REPORT_TYPES = ['model-compliance', 'annex-iv', 'period-summary'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export const REPORT_FORMATS = ['json', 'csv', 'html', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const REPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** What to build. The API validates it before `start` is called. */
export interface ReportRequest {
  type: ReportType;
  format: ReportFormat;
  /** Model package group name; required by `model-compliance` and `annex-iv`. */
  model?: string;
  /** Model version within the group; when absent, the latest one. */
  version?: string;
  /** ISO 8601 times bounding the period: `from` inclusive, `to` exclusive (as `GET /decisions`). */
  from?: string;
  to?: string;
}

/** Job ids the API accepts in `GET /reports/{id}`; a service must issue ids of this form (a UUID is one). */
export const REPORT_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

export interface ReportJob {
  /** Matches REPORT_ID_PATTERN. */
  id: string;
  type: ReportType;
  format: ReportFormat;
  status: ReportStatus;
  /** 0..1; 1 when done. */
  progress: number;
  /** ISO 8601. */
  createdAt: string;
  finishedAt?: string;
  /** Why it failed; a message for the user, no stack traces. */
  error?: string;
  /** Of the finished report file (hex). */
  sha256?: string;
  sizeBytes?: number;
}

export interface ReportService {
  /** Queues the report and returns at once; large exports run asynchronously. */
  start(request: ReportRequest, requestedBy: Principal): Promise<ReportJob>;
  get(id: string): Promise<ReportJob | undefined>;
  /**
   * A link to the finished report, or to its signed manifest or citations (`part`), that stops working
   * after `ttlSeconds` (an S3 presigned GET in AWS, a signed local URL locally); undefined unless the job
   * is done and the archive keeps that part.
   */
  downloadUrl(id: string, ttlSeconds: number, part?: ReportPart): Promise<string | undefined>;
  /**
   * The finished report (or its manifest or citations) behind a download link, where the API serves the
   * links itself (locally; in AWS the link is a presigned S3 URL). Throws DownloadLinkError for a link that
   * does not hold.
   */
  download?(id: string, link: DownloadLink, part?: ReportPart): Promise<ReportDownload>;
}

export interface ReportDownload {
  bytes: Uint8Array;
  contentType: string;
  fileName: string;
}

/** A request the service refuses (e.g. unknown model): the API answers 400 with its message. */
export class InvalidReportRequestError extends Error {
  override readonly name = 'InvalidReportRequestError';
}
