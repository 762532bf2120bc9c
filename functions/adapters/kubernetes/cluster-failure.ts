/** The API server's answer to a failed call, in deployment words: a refusal, or a cluster out of reach. */
import { kubernetesApiStatus } from './api-status.ts';
import { ClusterUnavailableError, DeploymentRefusedError } from './deployment-errors.ts';

/** 403 (RBAC or the admission policy) and 422 (invalid) are refusals; anything else is an unreachable cluster. */
export function clusterFailure(error: unknown, what: string): Error {
  const status = kubernetesApiStatus(error);
  if (status && (status.code === 403 || status.code === 422)) {
    return new DeploymentRefusedError(what, status.message);
  }
  const why = status
    ? `${status.code} ${status.message}`
    : error instanceof Error
      ? error.message
      : String(error);
  return new ClusterUnavailableError(`the cluster did not take ${what}: ${why}`, { cause: error });
}
