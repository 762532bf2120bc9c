/**
 * What a Kubernetes Deployment's status means in the common deployment vocabulary. The Deployment controller
 * reports progress through `observedGeneration`, the replica counts and two conditions: `Progressing`
 * (reason `NewReplicaSetAvailable` once done, `ProgressDeadlineExceeded` when stuck) and `Available`.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import type { DeploymentStatus } from '../../contracts/deployment-status.ts';

export interface KubernetesObservation {
  readonly status: DeploymentStatus;
  /** The Deployment's own words, e.g. `Progressing=True(NewReplicaSetAvailable) Available=True updated=2/2`. */
  readonly targetStatus: string;
  readonly reason?: string;
}

/**
 * `previous` is where the deployment stood: a finished rollout after a rollback means rolled back, and a
 * workload scaled to zero after a revocation means revoked.
 */
export function deploymentStatusFromKubernetes(
  deployment: V1Deployment,
  previous?: DeploymentStatus,
): KubernetesObservation {
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  const progressing = condition(deployment, 'Progressing');
  const availableCondition = condition(deployment, 'Available');
  const targetStatus = [
    `Progressing=${progressing?.status ?? 'Unknown'}${progressing?.reason ? `(${progressing.reason})` : ''}`,
    `Available=${availableCondition?.status ?? 'Unknown'}`,
    `updated=${updated}/${desired}`,
    `available=${available}/${desired}`,
  ].join(' ');
  const restoring = previous === 'rolling-back' || previous === 'rolled-back';
  const observed = (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 1);

  if (observed && progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return { status: 'failed', targetStatus, reason: progressing.message ?? progressing.reason };
  }
  const complete =
    observed &&
    updated >= desired &&
    total <= desired &&
    available >= desired &&
    (desired === 0 || availableCondition?.status === 'True');
  if (complete) {
    if (previous === 'revoked' && desired === 0) return { status: 'revoked', targetStatus };
    return { status: restoring ? 'rolled-back' : 'promoted', targetStatus };
  }
  if (restoring) return { status: 'rolling-back', targetStatus };
  if (previous === 'revoked') return { status: 'revoked', targetStatus };
  // New pods serve beside old ones: the share of traffic a canary or a rolling step bakes with.
  const newPodsServe = observed && updated > 0 && total > updated && available > 0;
  return { status: newPodsServe ? 'baking' : 'applying', targetStatus };
}

function condition(deployment: V1Deployment, type: string) {
  return deployment.status?.conditions?.find((entry) => entry.type === type);
}
