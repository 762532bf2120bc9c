/**
 * A model-registry decision was revoked: every live deployment of the artifact it approved is taken out of
 * service (the target's revoke) and recorded `revoked`; one not yet applied is only marked. A `replaced` one is
 * revoked too: it serves again when the deployment that replaced it was rolled back. Each deployment is its own step, so a redelivery
 * revokes only what is left; failures are reported together at the end.
 */
import { LIVE_DEPLOYMENT_STATUSES } from '../contracts/deployment.ts';
import type { DeploymentStatus } from '../contracts/deployment-status.ts';
import { eachDeployment } from '../ports/deployment-store.ts';
import { DeploymentError, DeploymentRevocationIncompleteError } from './errors.ts';
import { message } from './rollback-step.ts';
import { runStep } from './run-step.ts';
import { type DeploymentSagaDeps, targetFor } from './saga-deps.ts';

/** What a revocation takes down: the live deployments, and the replaced ones (the target says if they serve). */
const REVOCABLE: readonly DeploymentStatus[] = [...LIVE_DEPLOYMENT_STATUSES, 'replaced'];

export async function revokeDeployments(decisionId: string, deps: DeploymentSagaDeps): Promise<string[]> {
  const revoked: string[] = [];
  const failures: { deploymentId: string; reason: string }[] = [];
  const live = { decisionId, statuses: REVOCABLE };
  for await (const { id } of eachDeployment(deps.store, live)) {
    try {
      const outcome = await runStep(deps, id, {
        step: 'revoke',
        from: REVOCABLE,
        async run(deployment) {
          const reason = `decision ${decisionId} was revoked`;
          if (!deployment.plan || !deployment.artifact)
            return { status: 'revoked', detail: `${reason}; nothing applied` };
          try {
            const observed = await targetFor(deps, deployment.request).revoke(
              deployment.artifact,
              deployment.request,
            );
            return { status: 'revoked', detail: `${reason}; target says ${observed.targetStatus}` };
          } catch (error) {
            // A later deployment replaced it on the target: nothing of it runs there to take down.
            if (error instanceof DeploymentError && error.problem === 'not-serving-model') {
              return { status: 'revoked', detail: `${reason}; no longer served: ${error.message}` };
            }
            throw error;
          }
        },
      });
      if (outcome.kind !== 'not-applicable') revoked.push(id);
    } catch (error) {
      failures.push({ deploymentId: id, reason: message(error) });
    }
  }
  if (failures.length > 0) throw new DeploymentRevocationIncompleteError(decisionId, failures);
  return revoked;
}
