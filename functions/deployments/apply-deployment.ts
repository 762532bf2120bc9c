/**
 * Plans and applies an allowed deployment on the target its request names, as two steps: the plan (with the
 * spec running now, for a rollback) is recorded before anything changes, so that a redelivered apply reuses
 * it instead of planning against its own half-done rollout. A failed apply is rolled back at once and the
 * deployment ends `rolled-back` (or `failed` if even that fails), recorded: never half-applied.
 */
import type { Deployment } from '../contracts/deployment.ts';
import { DeploymentError } from './errors.ts';
import { message, previousSpecDigest, rollbackStep } from './rollback-step.ts';
import { runStep } from './run-step.ts';
import { type DeploymentSagaDeps, targetFor } from './saga-deps.ts';
import { scheduleWakeUp } from './schedule-wake-up.ts';

export async function applyDeployment(id: string, deps: DeploymentSagaDeps): Promise<Deployment> {
  await runStep(deps, id, {
    step: 'plan',
    from: ['requested'],
    async run(deployment) {
      const artifact = deployment.artifact;
      if (!artifact) return { status: 'failed', outcome: 'failed', detail: 'no approved artifact to deploy' };
      // A request may have waited for its target since the gate: the approval and the artifact are checked
      // again, on the ledger and the bytes, before anything changes.
      const stale = await approvalLapsed(deployment, deps);
      if (stale) return { status: 'failed', outcome: 'failed', detail: `nothing applied: ${stale}` };
      try {
        const plan = await targetFor(deps, deployment.request).plan(id, deployment.request, artifact);
        return {
          status: 'applying',
          changes: { plan },
          detail: `${plan.action}: ${plan.changes.join(', ')}`,
          // The ledger commits to the spec a rollback will restore: the record alone cannot change it.
          ...(plan.previousSpec != null && { digest: previousSpecDigest(plan.previousSpec) }),
        };
      } catch (error) {
        return { status: 'failed', outcome: 'failed', detail: `nothing applied: ${message(error)}` };
      }
    },
  });
  const applied = await runStep(deps, id, {
    step: 'apply',
    from: ['applying'],
    async run(deployment) {
      const { plan, artifact } = deployment;
      if (!plan || !artifact) throw new Error(`deployment ${id} is applying without a plan`);
      try {
        const handle = await targetFor(deps, deployment.request).apply(plan, deployment.request, artifact);
        const bakeEndsAt = handle.status === 'baking' ? bakeEnd(deployment, deps.now()) : null;
        return {
          status: handle.status,
          changes: { applied: handle, bakeEndsAt },
          detail: `revision ${handle.revision}`,
        };
      } catch (error) {
        // A target busy with another change applied nothing: the step is refused for a later delivery.
        if (error instanceof DeploymentError && error.problem === 'target-busy') throw error;
        return { status: 'rolling-back', outcome: 'failed', detail: `apply failed: ${message(error)}` };
      }
    },
  });
  let deployment = applied.deployment;
  if (deployment.status === 'rolling-back' && deployment.history.at(-1)?.step === 'apply') {
    deployment = (await rollbackStep(deps, id, 'apply failed', ['rolling-back'])).deployment;
  }
  await scheduleWakeUp(deps, deployment);
  return deployment;
}

async function approvalLapsed(deployment: Deployment, deps: DeploymentSagaDeps): Promise<string | undefined> {
  const artifact = deployment.artifact;
  if (!artifact) return 'no approved artifact';
  const [revokedAt, digest] = await Promise.all([
    deps.facts.revokedAt(artifact.decisionId),
    deps.facts.artifactDigest(artifact.modelPackageArn),
  ]);
  if (revokedAt !== undefined) return `decision ${artifact.decisionId} was revoked at ${revokedAt}`;
  if (digest !== artifact.digest) {
    return `the model artifact is ${digest ?? 'unknown'} now; ${artifact.digest} was allowed`;
  }
  return undefined;
}

export function bakeEnd(deployment: Deployment, from: Date): string {
  return new Date(from.getTime() + deployment.request.strategy.bakeSeconds * 1000).toISOString();
}
