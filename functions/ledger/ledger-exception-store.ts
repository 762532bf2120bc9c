/**
 * An ExceptionStore whose record of truth is the ledger, like LedgerDecisionStore: a grant or a revocation is
 * appended to the log before the queryable store sees it, and an exception found lapsed is recorded once as
 * expired. Each use
 * is in the ledger already: the decision that applied a waiver carries it on the violation it waived.
 */
import type { Exception, Revocation } from '../contracts/exception.ts';
import type { ExceptionStore } from '../ports/exception-store.ts';
import type { Ledger } from './ledger.ts';

/** The part of the ledger this store writes to. */
export type ExceptionLedger = Pick<Ledger, 'recordException'>;

export class LedgerExceptionStore implements ExceptionStore {
  /** Expiries this process has recorded: each gate evaluation reads every exception of its model again. */
  readonly #expiryRecorded = new Set<string>();

  constructor(
    readonly ledger: ExceptionLedger,
    readonly readModel: ExceptionStore,
    readonly now: () => Date = () => new Date(),
  ) {}

  async grant(exception: Exception): Promise<{ stored: Exception; created: boolean }> {
    await this.ledger.recordException('granted', exception);
    return this.readModel.grant(exception);
  }

  getException(id: string): Promise<Exception | undefined> {
    return this.readModel.getException(id);
  }

  async revoke(
    id: string,
    revocation: Revocation,
  ): Promise<{ stored: Exception; created: boolean } | undefined> {
    const exception = await this.readModel.getException(id);
    if (!exception) return undefined;
    if (exception.revokedAt !== undefined) return { stored: exception, created: false };
    await this.ledger.recordException('revoked', { ...exception, ...revocation });
    return this.readModel.revoke(id, revocation);
  }

  /** The exceptions of these subjects; those that have lapsed since they were last read are recorded as expired. */
  async listFor(subjects: readonly string[]): Promise<Exception[]> {
    const exceptions = await this.readModel.listFor(subjects);
    const now = this.now().getTime();
    // The append is idempotent by id: an expiry is recorded once, however often (or by how many processes) it is read.
    for (const exception of exceptions) {
      if (exception.revokedAt !== undefined) continue;
      if (Date.parse(exception.expiresAt) > now || this.#expiryRecorded.has(exception.id)) continue;
      await this.ledger.recordException('expired', exception);
      this.#expiryRecorded.add(exception.id);
    }
    return exceptions;
  }
}
