import type { Decision, Rejection } from '../gates/decision.ts';

export interface DecisionPage {
  decisions: Decision[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  nextCursor?: string;
}

/** Append-only: nothing here updates or deletes a recorded decision. */
export interface DecisionStore {
  /** Records the decision unless one with the same id exists; returns the one that is stored. */
  record(decision: Decision): Promise<{ stored: Decision; created: boolean }>;
  get(id: string): Promise<Decision | undefined>;
  list(options?: { limit?: number; cursor?: string }): Promise<DecisionPage>;
  recordRejection(rejection: Rejection): Promise<void>;
  listRejections(options?: { limit?: number }): Promise<Rejection[]>;
}

export const DEFAULT_PAGE_SIZE = 50;
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
