import type { RiskClass } from '../contracts/classification.ts';
import type { Decision, Outcome, Rejection } from '../contracts/decision.ts';

export interface DecisionPage {
  decisions: Decision[];
  /**
   * Opaque; pass back, with the same filter and order, to get the next page. Absent on the last page. A
   * filtered page may hold fewer than `limit` decisions (even none) and still carry a cursor: a store
   * bounds the work one page may do (DynamoDB); only a missing cursor means there is nothing more.
   */
  nextCursor?: string;
}

/** Every field narrows the list; absent fields do not. */
export interface DecisionFilter {
  /** Model package group name (`subject.group`), exact. */
  model?: string;
  /** Model package version (`subject.version`), exact. */
  version?: string;
  /** The gate that decided (`gate`: `model-registry`, `deployment`), exact. */
  gate?: string;
  decision?: Outcome;
  riskClass?: RiskClass;
  /** SHA-256 (hex) of the policy bundle that decided (`policy.bundleSha256`). */
  policyBundle?: string;
  /** ISO 8601; `evaluatedAt` at or after it. */
  from?: string;
  /** ISO 8601; `evaluatedAt` before it. */
  to?: string;
}

export interface DecisionListOptions {
  limit?: number;
  cursor?: string;
  filter?: DecisionFilter;
  /** `asc` (default): oldest first; `desc`: newest first. Ties in time keep the store's stable order. */
  order?: 'asc' | 'desc';
}

/** Append-only: nothing here updates or deletes a recorded decision. */
export interface DecisionStore {
  /** Records the decision unless one with the same id exists; returns the one that is stored. */
  record(decision: Decision): Promise<{ stored: Decision; created: boolean }>;
  get(id: string): Promise<Decision | undefined>;
  /** Keyset pagination in a stable order: time, then the store's tie-break (see each adapter). */
  list(options?: DecisionListOptions): Promise<DecisionPage>;
  recordRejection(rejection: Rejection): Promise<void>;
  listRejections(options?: { limit?: number }): Promise<Rejection[]>;
}

const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** The page size a store serves for `limit`: every store enforces the same bounds with the same error. */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${limit}`);
  }
  return limit;
}

/** A cursor that the store did not hand out. */
export class InvalidCursorError extends RangeError {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('invalid decision cursor: pass back the nextCursor of an earlier page');
  }
}

/** Normalises an ISO 8601 time to the fixed form stores index (UTC, milliseconds); RangeError if invalid. */
export function sortableTime(value: string, field: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new RangeError(`${field} is not an ISO 8601 timestamp: ${value}`);
  return new Date(time).toISOString();
}
