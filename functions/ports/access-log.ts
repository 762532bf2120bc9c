/**
 * Every call to the auditor API, recorded: who (principal and role), what (method, route, query
 * parameters), the answer's status and when. Never a request or response body. Append-only.
 */
import type { Principal } from '../contracts/principal.ts';

export interface AccessRecord {
  /** Unique per call (the API Gateway request id in AWS, a UUID locally). */
  id: string;
  /** ISO 8601 UTC with milliseconds. */
  at: string;
  /** Undefined when the caller could not be authenticated (the call was answered 401). */
  principal?: Principal;
  /** The IAM ARN or token subject that called without a role (answered 403), or undefined. */
  caller?: string;
  method: string;
  /** The route id (`decisions.list`), or `unmatched` for a path the API does not serve. */
  route: string;
  /** The request path as called, e.g. `/decisions/4f1c…`. */
  path: string;
  /** Query string parameters as given (the first value of a repeated one). */
  query: Record<string, string>;
  status: number;
  durationMs: number;
  sourceIp?: string;
}

export interface AccessRecordPage {
  records: AccessRecord[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  nextCursor?: string;
}

export interface AccessLog {
  /** Idempotent by id: recording the same id again keeps the first record. */
  record(entry: AccessRecord): Promise<void>;
  /** Oldest first; `from` inclusive and `to` exclusive (ISO 8601). */
  list(options?: { limit?: number; cursor?: string; from?: string; to?: string }): Promise<AccessRecordPage>;
}
