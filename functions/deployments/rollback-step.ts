/**
 * The rollback step, shared by a failed apply, an alarm at the end of the bake and a manual rollback: the
 * target restores the plan's previous spec (or removes what it created). A target that cannot restore it
 * leaves the deployment `failed`, recorded as such; a target still busy with the rollout refuses the step
 * (nothing recorded), for the event to be delivered again.
 */
import { type Deployment, deploymentActionId } from '../contracts/deployment.ts';
import type { DeploymentStatus } from '../contracts/deployment-status.ts';
import type { AppliedDeployment } from '../ports/deployment-target.ts';
import { canonicalSha256 } from '../shared/hashing.ts';
import { DeploymentError } from './errors.ts';
import { runStep, type StepOutcome } from './run-step.ts';
import { type DeploymentSagaDeps, targetFor } from './saga-deps.ts';
import { scheduleWakeUp } from './schedule-wake-up.ts';

/**
 * A `replaced` deployment serves again once the one that replaced it is rolled back: it may roll back then
 * (rollback-deployment.ts refuses it while a later one runs).
 */
export const ROLLBACK_FROM: readonly DeploymentStatus[] = [
  'applying',
  'baking',
  'promoted',
  'replaced',
  'rolling-back',
];

export async function rollbackStep(
  deps: DeploymentSagaDeps,
  id: string,
  reason: string,
  from: readonly DeploymentStatus[] = ROLLBACK_FROM,
): Promise<StepOutcome> {
  const outcome = await runStep(deps, id, {
    step: 'rollback',
    from,
    async run(deployment) {
      const { plan } = deployment;
      if (!plan)
        return { status: 'rolled-back', detail: `${reason}; nothing was planned, nothing to restore` };
      const tampered = await previousSpecTampered(deps, deployment);
      if (tampered) return { status: 'failed', outcome: 'failed', detail: `${reason}; ${tampered}` };
      try {
        const observed = await targetFor(deps, deployment.request).rollback(handleOf(deployment), plan);
        const status = observed.status === 'rolling-back' ? 'rolling-back' : 'rolled-back';
        return { status, detail: `${reason}; target says ${observed.targetStatus}` };
      } catch (error) {
        // A target busy with the rollout itself: nothing was restored yet, and a redelivery will be able to.
        if (error instanceof DeploymentError && error.problem === 'target-busy') throw error;
        return {
          status: 'failed',
          outcome: 'failed',
          detail: `${reason}; rollback failed: ${message(error)}`,
        };
      }
    },
  });
  // A target without events of its own is watched until the previous version serves again.
  await scheduleWakeUp(deps, outcome.deployment);
  return outcome;
}

/** `sha256:` of the canonical JSON of the spec a rollback restores, as the plan's ledger entry records it. */
export function previousSpecDigest(previousSpec: unknown): string {
  return `sha256:${canonicalSha256(previousSpec)}`;
}

/**
 * Why the previous spec on record may not be restored: it is not the one the plan's ledger entry committed to
 * (the deployments table was edited). A plan entry without a digest (recorded before digests) is trusted.
 */
async function previousSpecTampered(
  deps: DeploymentSagaDeps,
  deployment: Deployment,
): Promise<string | undefined> {
  const previousSpec = deployment.plan?.previousSpec;
  if (previousSpec == null) return undefined;
  const planned = await deps.actions.findAction(deploymentActionId(deployment.id, 'plan'));
  if (!planned?.digest) return undefined;
  const onRecord = previousSpecDigest(previousSpec);
  if (planned.digest === onRecord) return undefined;
  return `nothing restored: the previous spec on record (${onRecord}) is not the one the ledger's plan entry recorded (${planned.digest})`;
}

/**
 * The target's handle, with where the deployment stands now (a target reads a restored workload differently
 * from a new one); a rollout whose apply never answered has none yet, and the target goes by the id.
 */
export function handleOf(deployment: Deployment): AppliedDeployment {
  return {
    deploymentId: deployment.id,
    revision: deployment.applied?.revision ?? deployment.plan?.revision ?? '',
    status: deployment.status,
  };
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
