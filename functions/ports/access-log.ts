/**
 * Every call to the auditor API, recorded: who (principal and role), what (method, route, query
 * parameters), the answer's status and when. Never a request or response body. Append-only.
 */
import type { AccessRecord } from '../contracts/access-record.ts';

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
