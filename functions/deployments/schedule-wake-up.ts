import type { Deployment } from '../contracts/deployment.ts';
import type { DeploymentStatus } from '../contracts/deployment-status.ts';
import { type DeploymentSagaDeps, targetFor } from './saga-deps.ts';

/** Statuses in which a target without events of its own is observed again after its poll interval. */
const POLLED_STATUSES: ReadonlySet<DeploymentStatus> = new Set(['applying', 'rolling-back']);

/**
 * Asks the timer for the deployment's next wake-up: the bake's end while it bakes, or the next look at a
 * target that reports no events while it rolls out or back. Called after every step that records one of
 * those statuses, and again by any redelivery that finds it so: the timer replaces an earlier schedule, so a
 * crash in between loses no wake-up.
 */
export async function scheduleWakeUp(deps: DeploymentSagaDeps, deployment: Deployment): Promise<void> {
  if (deployment.status === 'baking' && deployment.bakeEndsAt) {
    await deps.bakeTimer.scheduleBakeEnd(deployment.id, deployment.bakeEndsAt);
    return;
  }
  if (!POLLED_STATUSES.has(deployment.status)) return;
  const interval = pollIntervalOf(deps, deployment);
  if (interval === undefined) return;
  await deps.bakeTimer.scheduleBakeEnd(
    deployment.id,
    new Date(deps.now().getTime() + interval).toISOString(),
  );
}

/** How often the deployment's target is observed, when it sends no events of its own. */
export function pollIntervalOf(deps: DeploymentSagaDeps, deployment: Deployment): number | undefined {
  try {
    return targetFor(deps, deployment.request).pollIntervalMs;
  } catch {
    return undefined;
  }
}
