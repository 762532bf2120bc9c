/**
 * What the target reported (its event, or a poll): `baking` starts the bake clock, `promoted`, `rolled-back`
 * and `failed` end the deployment, `rolling-back` records that the target is restoring the previous version.
 * An observation that changes nothing, arrives late, or is delivered again does nothing.
 */
import type { Deployment, DeploymentStep } from '../contracts/deployment.ts';
import type { DeploymentStatus } from '../contracts/deployment-status.ts';
import type { DeploymentObservation } from '../ports/deployment-target.ts';
import { DeploymentNotFoundError } from './errors.ts';
import { runStep } from './run-step.ts';
import type { DeploymentSagaDeps } from './saga-deps.ts';
import { scheduleWakeUp } from './schedule-wake-up.ts';

/** The step an observed status is, and the statuses it moves a deployment from. */
const TRANSITIONS: Partial<Record<DeploymentStatus, { step: DeploymentStep; from: DeploymentStatus[] }>> = {
  baking: { step: 'baking', from: ['applying'] },
  promoted: { step: 'promoted', from: ['applying', 'baking'] },
  'rolling-back': { step: 'rolling-back', from: ['applying', 'baking', 'promoted'] },
  'rolled-back': { step: 'rolled-back', from: ['applying', 'baking', 'promoted', 'rolling-back'] },
  failed: { step: 'failed', from: ['applying', 'baking', 'rolling-back'] },
};

export async function onTargetObservation(
  observation: DeploymentObservation,
  deps: DeploymentSagaDeps,
): Promise<Deployment> {
  const id = observation.deploymentId;
  const transition = TRANSITIONS[observation.status];
  if (!transition) return current(deps, id);
  const { deployment } = await runStep(deps, id, {
    ...transition,
    async run(found) {
      const bakeSeconds = found.request.strategy.bakeSeconds;
      const bakeEndsAt =
        observation.status === 'baking'
          ? new Date(Date.parse(observation.observedAt) + bakeSeconds * 1000).toISOString()
          : found.bakeEndsAt;
      return {
        status: observation.status,
        changes: { bakeEndsAt },
        outcome: observation.status === 'failed' ? 'failed' : 'succeeded',
        detail: [observation.targetStatus, observation.reason].filter(Boolean).join(': '),
      };
    },
  });
  await scheduleWakeUp(deps, deployment);
  return deployment;
}

async function current(deps: DeploymentSagaDeps, id: string): Promise<Deployment> {
  const found = await deps.store.get(id);
  if (!found) throw new DeploymentNotFoundError(id);
  return found;
}
