/**
 * A DecisionStore whose record of truth is the ledger: every decision and rejection is appended to the log
 * (durably, checkpointed) before it is written to the queryable store, which then serves reads (get, list)
 * as a read model. Both writes are idempotent by id, so a retry after a failure between them completes the
 * pair; the ledger keeps the first version of an id, and so does the read model because it is written after.
 */
import type { Decision, Rejection } from '../gates/decision.ts';
import type { DecisionStore } from '../ports/decision-store.ts';
import type { Ledger } from './ledger.ts';

/** The part of the ledger this store writes to. */
export type DecisionLedger = Pick<Ledger, 'recordDecision' | 'recordRejection'>;

export class LedgerDecisionStore implements DecisionStore {
  constructor(
    readonly ledger: DecisionLedger,
    readonly readModel: DecisionStore,
  ) {}

  async record(decision: Decision): Promise<{ stored: Decision; created: boolean }> {
    await this.ledger.recordDecision(decision);
    return this.readModel.record(decision);
  }

  get(id: string): Promise<Decision | undefined> {
    return this.readModel.get(id);
  }

  list(options?: Parameters<DecisionStore['list']>[0]): ReturnType<DecisionStore['list']> {
    return this.readModel.list(options);
  }

  async recordRejection(rejection: Rejection): Promise<void> {
    await this.ledger.recordRejection(rejection);
    await this.readModel.recordRejection(rejection);
  }

  listRejections(options?: { limit?: number }): Promise<Rejection[]> {
    return this.readModel.listRejections(options);
  }
}
