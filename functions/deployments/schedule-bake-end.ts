import type { Deployment } from '../contracts/deployment.ts';
import type { DeploymentSagaDeps } from './saga-deps.ts';

/**
 * Asks the timer for the bake's end. Called after the record says `baking`, and again by any redelivery
 * that finds it so: the timer replaces an earlier schedule, so a crash in between loses no wake-up.
 */
export async function scheduleBakeEnd(deps: DeploymentSagaDeps, deployment: Deployment): Promise<void> {
  if (deployment.status !== 'baking' || !deployment.bakeEndsAt) return;
  await deps.bakeTimer.scheduleBakeEnd(deployment.id, deployment.bakeEndsAt);
}
