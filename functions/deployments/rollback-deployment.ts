/** `verdict rollback ID`: a person rolls back a deployment that runs (or is being rolled out). */
import type { Deployment } from '../contracts/deployment.ts';
import { DeploymentNotFoundError, DeploymentNotLiveError } from './errors.ts';
import { ROLLBACK_FROM, rollbackStep } from './rollback-step.ts';
import type { DeploymentSagaDeps } from './saga-deps.ts';

export async function rollbackDeployment(id: string, deps: DeploymentSagaDeps): Promise<Deployment> {
  const deployment = await deps.store.get(id);
  if (!deployment) throw new DeploymentNotFoundError(id);
  const done = deployment.history.some((h) => h.step === 'rollback');
  if (!done && !ROLLBACK_FROM.includes(deployment.status)) {
    throw new DeploymentNotLiveError(id, deployment.status);
  }
  return (await rollbackStep(deps, id, 'rolled back on request')).deployment;
}
