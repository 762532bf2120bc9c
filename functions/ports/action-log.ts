import type { ActionRecord } from '../ledger/entry.ts';

/** Where a gate records what it did (set a status, published an event): the audit ledger. */
export interface ActionLog {
  recordAction(action: ActionRecord): Promise<unknown>;
}
