import type { ActionLog } from '../ports/action-log.ts';
import type { Ledger } from './ledger.ts';
import type { DecisionLedger } from './ledger-decision-store.ts';

/** What gates write to (and read back from) the audit ledger, over a ledger opened on first use. */
export function ledgerAudit(ledger: () => Promise<Ledger>): DecisionLedger & ActionLog {
  return {
    recordDecision: async (decision) => (await ledger()).recordDecision(decision),
    recordRejection: async (rejection) => (await ledger()).recordRejection(rejection),
    findDecision: async (id) => (await ledger()).findDecision(id),
    recordAction: async (action) => (await ledger()).recordAction(action),
    hasAction: async (id) => (await ledger()).hasAction(id),
  };
}
