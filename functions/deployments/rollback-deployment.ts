/** `verdict rollback ID`: a person rolls back a deployment that runs (or is being rolled out). */
import type { Deployment } from '../contracts/deployment.ts';
import { eachDeployment } from '../ports/deployment-store.ts';
import { DeploymentNotFoundError, DeploymentNotLiveError } from './errors.ts';
import { ROLLBACK_FROM, rollbackStep } from './rollback-step.ts';
import { type DeploymentSagaDeps, targetName } from './saga-deps.ts';

export async function rollbackDeployment(id: string, deps: DeploymentSagaDeps): Promise<Deployment> {
  const deployment = await deps.store.get(id);
  if (!deployment) throw new DeploymentNotFoundError(id);
  const done = deployment.history.some((h) => h.step === 'rollback');
  if (!done && !ROLLBACK_FROM.includes(deployment.status)) {
    throw new DeploymentNotLiveError(id, deployment.status);
  }
  // A promoted deployment a later one replaced on its target runs nothing: rolling it back would undo the later.
  const newer = done ? undefined : await replacedBy(deployment, deps);
  if (newer) throw new DeploymentNotLiveError(id, `replaced by ${newer.id}`);
  return (await rollbackStep(deps, id, 'rolled back on request')).deployment;
}

/** The later deployment that runs (or rolls out) on the target instead of this one, if any. */
export async function replacedBy(
  deployment: Deployment,
  deps: Pick<DeploymentSagaDeps, 'store'>,
): Promise<Deployment | undefined> {
  const live = { target: targetName(deployment.request), statuses: ROLLBACK_FROM };
  for await (const d of eachDeployment(deps.store, live)) {
    if (d.id !== deployment.id && d.requestedAt > deployment.requestedAt) return d;
  }
  return undefined;
}
