/**
 * The per-target claim that lets one rollout at a time run on a target: taken before the plan, released when
 * the deployment reaches a final status. The store's claim is strongly consistent, unlike its listings: of
 * two requests that both find the target idle, one gets the claim and the other stays `requested`. A claim
 * whose holder already ended (the process died between its final write and the release) is taken over, so a
 * crash never wedges the target. A rollout under way without a claim (started before claims existed) keeps
 * the target too.
 */
import type { Deployment } from '../contracts/deployment.ts';
import { type DeploymentStatus, FINAL_DEPLOYMENT_STATUSES } from '../contracts/deployment-status.ts';
import { eachDeployment } from '../ports/deployment-store.ts';
import { type DeploymentSagaDeps, targetName } from './saga-deps.ts';

/** Statuses in which a rollout is under way on its target: no other deployment may start there. */
export const IN_PROGRESS_STATUSES: readonly DeploymentStatus[] = ['applying', 'baking', 'rolling-back'];

/** Claim, read the holder, take over: a few rounds cover a release or a takeover that races this one. */
const CLAIM_ROUNDS = 3;

/** True when the deployment holds its target now; false when a deployment still under way holds it. */
export async function claimTarget(
  deployment: Deployment,
  deps: Pick<DeploymentSagaDeps, 'store'>,
): Promise<boolean> {
  const target = targetName(deployment.request);
  if (await unclaimedRollout(target, deployment, deps)) return false;
  for (let round = 0; round < CLAIM_ROUNDS; round++) {
    if (await deps.store.claimTarget(target, deployment.id)) return true;
    const holder = await deps.store.targetHolder(target);
    if (holder === undefined) continue;
    const held = await deps.store.get(holder);
    if (held && !FINAL_DEPLOYMENT_STATUSES.has(held.status)) return false;
    if (await deps.store.claimTarget(target, deployment.id, holder)) return true;
  }
  return false;
}

/** Another deployment's rollout under way on the target, read again by key (the listing may lag). */
async function unclaimedRollout(
  target: string,
  deployment: Deployment,
  deps: Pick<DeploymentSagaDeps, 'store'>,
): Promise<Deployment | undefined> {
  for await (const listed of eachDeployment(deps.store, { target, statuses: IN_PROGRESS_STATUSES })) {
    if (listed.id === deployment.id) continue;
    const current = await deps.store.get(listed.id);
    if (current && IN_PROGRESS_STATUSES.includes(current.status)) return current;
  }
  return undefined;
}

/** Frees the deployment's target if it holds it. */
export async function releaseTarget(
  deployment: Deployment,
  deps: Pick<DeploymentSagaDeps, 'store'>,
): Promise<void> {
  await deps.store.releaseTarget(targetName(deployment.request), deployment.id);
}
