import type { ActionLog } from '../ports/action-log.ts';
import type { Ledger } from './ledger.ts';
import type { DecisionLedger } from './ledger-decision-store.ts';
import type { ExceptionLedger } from './ledger-exception-store.ts';

/** What gates write to (and read back from) the audit ledger, over a ledger opened on first use. */
export function ledgerAudit(ledger: () => Promise<Ledger>): DecisionLedger & ExceptionLedger & ActionLog {
  return {
    recordDecision: async (decision) => (await ledger()).recordDecision(decision),
    recordRejection: async (rejection) => (await ledger()).recordRejection(rejection),
    findDecision: async (id) => (await ledger()).findDecision(id),
    recordException: async (event, exception) => (await ledger()).recordException(event, exception),
    recordAction: async (action) => (await ledger()).recordAction(action),
    hasAction: async (id) => (await ledger()).hasAction(id),
  };
}
