/**
 * One step of a deployment, run at most once per (deployment, step) however often it is delivered:
 *
 * 1. a step already in the history is a no-op; a step that does not apply to the current status is a no-op;
 * 2. the step claims the record (compare-and-set on its version): of two concurrent steps, one wins and the
 *    other finds the claim and backs off (DeploymentBusyError, for its queue to redeliver);
 * 3. it does its work (target calls, each idempotent per deployment id);
 * 4. it appends its ledger entry `deployment/<id>/<step>` (idempotent by id);
 * 5. it writes the new record and releases the claim (compare-and-set again).
 *
 * A crash after 2 leaves a claim that lapses after the lease; a redelivery of the same step then takes it
 * over and redoes 3-5. A crash after 4 leaves the ledger ahead of the store, never behind: the redelivery
 * appends nothing new (same id) and completes the store write.
 */
import type { ActionRecord } from '../contracts/action.ts';
import {
  type Deployment,
  type DeploymentHistoryItem,
  type DeploymentStep,
  deploymentActionId,
} from '../contracts/deployment.ts';
import type { DeploymentStatus } from '../contracts/deployment-status.ts';
import { DeploymentVersionConflictError } from '../ports/deployment-store.ts';
import { DeploymentBusyError, DeploymentNotFoundError } from './errors.ts';
import { DEFAULT_CLAIM_LEASE_MS, type DeploymentSagaDeps, newToken, targetName } from './saga-deps.ts';

export interface StepResult {
  status: DeploymentStatus;
  changes?: Partial<Pick<Deployment, 'plan' | 'applied' | 'bakeEndsAt'>>;
  outcome?: ActionRecord['outcome'];
  detail: string;
  /** Recorded with the step's ledger entry (see ActionRecord.digest). */
  digest?: string;
}

export interface StepSpec {
  step: DeploymentStep;
  /** The statuses the step starts from; from any other it does nothing. */
  from: readonly DeploymentStatus[];
  run(deployment: Deployment): Promise<StepResult>;
}

export type StepOutcome =
  | { kind: 'done'; deployment: Deployment }
  | { kind: 'already-done'; deployment: Deployment }
  | { kind: 'not-applicable'; deployment: Deployment };

const MAX_ATTEMPTS = 5;

export async function runStep(deps: DeploymentSagaDeps, id: string, spec: StepSpec): Promise<StepOutcome> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await deps.store.get(id);
    if (!current) throw new DeploymentNotFoundError(id);
    if (current.history.some((h) => h.step === spec.step))
      return { kind: 'already-done', deployment: current };
    const resuming = current.pending?.step === spec.step;
    if (!resuming && !spec.from.includes(current.status)) {
      return { kind: 'not-applicable', deployment: current };
    }
    if (current.pending && !claimLapsed(deps, current.pending.claimedAt)) {
      throw new DeploymentBusyError(id, current.pending.step);
    }
    const at = deps.now().toISOString();
    const claimed: Deployment = {
      ...current,
      version: current.version + 1,
      pending: { step: spec.step, claimedAt: at, token: newToken(deps) },
      updatedAt: at,
    };
    if (!(await written(deps, claimed, current.version))) continue;

    let result: StepResult;
    try {
      result = await spec.run(claimed);
    } catch (error) {
      await release(deps, claimed);
      throw error;
    }
    const actionId = deploymentActionId(id, spec.step);
    const doneAt = deps.now().toISOString();
    await deps.actions.recordAction({
      id: actionId,
      decisionId: claimed.decision.id,
      kind: `deployment.${spec.step}`,
      target: targetName(claimed.request),
      outcome: result.outcome ?? 'succeeded',
      at: doneAt,
      detail: `${result.status}: ${result.detail}`.slice(0, 500),
      ...(result.digest && { digest: result.digest }),
    });
    const item: DeploymentHistoryItem = {
      step: spec.step,
      status: result.status,
      at: doneAt,
      actionId,
      detail: result.detail.slice(0, 500),
    };
    const done: Deployment = {
      ...claimed,
      ...result.changes,
      status: result.status,
      version: claimed.version + 1,
      pending: null,
      history: [...claimed.history, item],
      updatedAt: doneAt,
    };
    if (await written(deps, done, claimed.version)) return { kind: 'done', deployment: done };
    // Our claim lapsed and another delivery of this step took over: it records the same entry and state.
    const after = await deps.store.get(id);
    if (after?.history.some((h) => h.step === spec.step)) return { kind: 'already-done', deployment: after };
    throw new DeploymentBusyError(id, spec.step);
  }
  throw new DeploymentBusyError(id, spec.step);
}

function claimLapsed(deps: DeploymentSagaDeps, claimedAt: string): boolean {
  const lease = deps.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;
  return deps.now().getTime() - Date.parse(claimedAt) >= lease;
}

/** False when another write got there first. */
async function written(deps: DeploymentSagaDeps, next: Deployment, expected: number): Promise<boolean> {
  try {
    await deps.store.put(next, expected);
    return true;
  } catch (error) {
    if (error instanceof DeploymentVersionConflictError) return false;
    throw error;
  }
}

/** Gives the claim back after a step failed, so that the next delivery need not wait for the lease. */
async function release(deps: DeploymentSagaDeps, claimed: Deployment): Promise<void> {
  await written(
    deps,
    { ...claimed, version: claimed.version + 1, pending: null, updatedAt: deps.now().toISOString() },
    claimed.version,
  ).catch(() => false);
}
