/**
 * The timer's wake-up. While the deployment rolls out or back on a target without events of its own, it is a
 * look at that target (observe-progress.ts). At the bake's end the target is asked where the rollout stands:
 * an alarm (reported by the target, or passed in by the alarm that woke this step) rolls it back; otherwise
 * it is promoted. A timer that fires early re-arms itself; one that fires for a deployment no longer baking
 * does nothing.
 */
import type { Deployment } from '../contracts/deployment.ts';
import type { DeploymentObservation } from '../ports/deployment-target.ts';
import { DeploymentNotFoundError } from './errors.ts';
import { observeProgress, recordObserved } from './observe-progress.ts';
import { handleOf, rollbackStep } from './rollback-step.ts';
import { runStep } from './run-step.ts';
import { type DeploymentSagaDeps, targetFor } from './saga-deps.ts';
import { scheduleWakeUp } from './schedule-wake-up.ts';
import { onTargetObservation } from './target-observation.ts';

export interface EndBakeOptions {
  /** The alarm that fired during the bake, when one did. */
  alarm?: string;
}

export async function endBake(
  id: string,
  deps: DeploymentSagaDeps,
  options: EndBakeOptions = {},
): Promise<Deployment> {
  const deployment = await deps.store.get(id);
  if (!deployment) throw new DeploymentNotFoundError(id);
  if (deployment.status === 'applying' || deployment.status === 'rolling-back') {
    return observeProgress(deployment, deps);
  }
  if (deployment.status !== 'baking') return deployment;
  const now = deps.now();
  if (!options.alarm && deployment.bakeEndsAt && Date.parse(deployment.bakeEndsAt) > now.getTime()) {
    await scheduleWakeUp(deps, deployment);
    return deployment;
  }
  const target = targetFor(deps, deployment.request);
  const observed = await target.observe(handleOf(deployment));
  if (observed.status !== 'baking' && observed.status !== 'applying' && observed.status !== 'promoted') {
    // The target rolled back (or failed) on its own, e.g. its alarms fired: record what it says.
    return recordObserved(deployment, observed, deps);
  }
  if (options.alarm) {
    return (await rollbackStep(deps, id, `alarm ${options.alarm} fired during the bake`, ['baking']))
      .deployment;
  }
  try {
    const promoted = await runStep(deps, id, {
      step: 'promote',
      from: ['baking'],
      async run(found) {
        const result = await target.promote(handleOf(found));
        if (result.status === 'baking' || result.status === 'applying')
          throw new PromotionPendingError(result);
        if (result.status !== 'promoted') throw new PromotionRefusedError(result);
        return { status: 'promoted', detail: `bake ended; target says ${result.targetStatus}` };
      },
    });
    return promoted.deployment;
  } catch (error) {
    // The target has steps of its own left (a linear rollout, its own bake): look again a little later.
    if (error instanceof PromotionPendingError) {
      const recheckMs = target.pollIntervalMs ?? PROMOTION_RECHECK_MS;
      await deps.bakeTimer.scheduleBakeEnd(id, new Date(now.getTime() + recheckMs).toISOString());
      return (await deps.store.get(id)) ?? deployment;
    }
    // The target went elsewhere (rolled back on its own alarms, failed): record what it says.
    if (error instanceof PromotionRefusedError) {
      return onTargetObservation({ ...error.observation, deploymentId: id }, deps);
    }
    throw error;
  }
}

class PromotionPendingError extends Error {
  constructor(readonly observation: DeploymentObservation) {
    super(`the target is still rolling out: ${observation.targetStatus}`);
  }
}

class PromotionRefusedError extends Error {
  constructor(readonly observation: DeploymentObservation) {
    super(`the target did not promote: ${observation.targetStatus}`);
  }
}

/** How long a bake's end waits before asking a target that is still rolling out again. */
export const PROMOTION_RECHECK_MS = 60_000;
