import type { ActionRecord } from '../contracts/action.ts';

/** Where a gate records what it did (set a status, published an event): the audit ledger. */
export interface ActionLog {
  recordAction(action: ActionRecord): Promise<unknown>;
  /** Whether an action with this id is recorded: what a redelivery consults before acting again. */
  hasAction(id: string): Promise<boolean>;
}

/** Where a recorded action is read back: a revocation, say, that later steps must honour. */
export interface RecordedActions {
  findAction(id: string): Promise<ActionRecord | undefined>;
}
