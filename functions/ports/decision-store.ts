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
