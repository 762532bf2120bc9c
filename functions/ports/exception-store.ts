import type { Exception } from '../contracts/exception.ts';

/** Append-only record of exceptions; lapsed ones stay, for the audit trail. */
export interface ExceptionStore {
  grant(exception: Exception): Promise<{ stored: Exception; created: boolean }>;
  /** Every exception granted for any of these subjects (group names or package ARNs), oldest first. */
  listFor(subjects: readonly string[]): Promise<Exception[]>;
}
