/**
 * A DecisionStore whose record of truth is the ledger: every decision and rejection is appended to the log
 * (durably) before it is written to the queryable store, which then serves reads (get, list) as a read model.
 *
 * The ledger's decision is the decision. `record` answers with the decision the ledger holds under the id
 * (another evaluation's, if it was recorded first) and writes that one to the read model; `get` falls back to
 * the ledger when the read model lacks an id (a crash or a failed write between the two) and rebuilds the
 * read model from the ledger entry, so a redelivery completes what the ledger says and never re-evaluates.
 */
import type { Decision, Rejection } from '../contracts/decision.ts';
import type { DecisionStore } from '../ports/decision-store.ts';
import type { Ledger } from './ledger.ts';

/** The part of the ledger this store writes to and reads back from. */
export type DecisionLedger = Pick<Ledger, 'recordDecision' | 'recordRejection' | 'findDecision'>;

export class LedgerDecisionStore implements DecisionStore {
  constructor(
    readonly ledger: DecisionLedger,
    readonly readModel: DecisionStore,
  ) {}

  async record(decision: Decision): Promise<{ stored: Decision; created: boolean }> {
    const recorded = await this.ledger.recordDecision(decision);
    const { stored } = await this.readModel.record(recorded.decision);
    return { stored, created: recorded.created };
  }

  async get(id: string): Promise<Decision | undefined> {
    const served = await this.readModel.get(id);
    if (served) return served;
    const recorded = await this.ledger.findDecision(id);
    if (!recorded) return undefined;
    return (await this.readModel.record(recorded)).stored;
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
