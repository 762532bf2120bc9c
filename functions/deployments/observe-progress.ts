/**
 * A look at a target that sends no events of its own (a Kubernetes Deployment), when its poll timer fires
 * during a rollout or a rollback: what it reports is recorded as its event would be. A rollout the target
 * gave up on (its progress deadline passed) is rolled back, so the previous version serves again; one still
 * under way is looked at again after the poll interval.
 */
import type { Deployment } from '../contracts/deployment.ts';
import type { DeploymentStatus } from '../contracts/deployment-status.ts';
import type { DeploymentObservation } from '../ports/deployment-target.ts';
import { handleOf, rollbackStep } from './rollback-step.ts';
import { type DeploymentSagaDeps, targetFor } from './saga-deps.ts';
import { scheduleWakeUp } from './schedule-wake-up.ts';
import { onTargetObservation } from './target-observation.ts';

export async function observeProgress(deployment: Deployment, deps: DeploymentSagaDeps): Promise<Deployment> {
  const target = targetFor(deps, deployment.request);
  // Nothing applied yet (planned, then interrupted): the apply step's own redelivery moves it on.
  if (target.pollIntervalMs === undefined || !deployment.applied) return deployment;
  const observed = await target.observe(handleOf(deployment));
  if (observed.status === deployment.status) {
    await scheduleWakeUp(deps, deployment);
    return deployment;
  }
  return recordObserved(deployment, observed, deps);
}

/**
 * Records what the target reports. A target with events of its own rolls a failed rollout back itself
 * (SageMaker's auto-rollback), so `failed` is recorded as it is; a polled target leaves the failed rollout
 * where it stopped, so the saga rolls it back.
 */
export async function recordObserved(
  deployment: Deployment,
  observed: DeploymentObservation,
  deps: DeploymentSagaDeps,
): Promise<Deployment> {
  const polled = targetFor(deps, deployment.request).pollIntervalMs !== undefined;
  if (polled && observed.status === 'failed' && ROLLED_BACK_ON_FAILURE.includes(deployment.status)) {
    const why = [observed.targetStatus, observed.reason].filter(Boolean).join(': ');
    const reason = `the rollout failed on the target: ${why}`;
    return (await rollbackStep(deps, deployment.id, reason, ROLLED_BACK_ON_FAILURE)).deployment;
  }
  return onTargetObservation({ ...observed, deploymentId: deployment.id }, deps);
}

const ROLLED_BACK_ON_FAILURE: readonly DeploymentStatus[] = ['applying', 'baking'];
