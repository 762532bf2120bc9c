import type { Exception, Revocation } from '../contracts/exception.ts';

/** Append-only record of exceptions; lapsed and revoked ones stay, for the audit trail. */
export interface ExceptionStore {
  grant(exception: Exception): Promise<{ stored: Exception; created: boolean }>;
  /** Every exception granted for any of these subjects (group names or package ARNs), oldest first. */
  listFor(subjects: readonly string[]): Promise<Exception[]>;
  /** One exception by id, with its revocation if it has one. */
  getException(id: string): Promise<Exception | undefined>;
  /**
   * Records the revocation of a granted exception unless it has one already; returns the exception as
   * stored (with the first revocation). Undefined when no exception has this id.
   */
  revoke(id: string, revocation: Revocation): Promise<{ stored: Exception; created: boolean } | undefined>;
}
