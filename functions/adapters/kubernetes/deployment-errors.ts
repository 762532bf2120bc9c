/** Errors of the EKS deployment target, in deployment words; a caller can catch each by class. */

/** The request cannot become a GPU workload (a GPU count above the cap, a GPU make with no device plugin...). */
export class GpuWorkloadError extends RangeError {
  override readonly name = 'GpuWorkloadError';
}

/** The cluster's API server refused the workload: its admission policy or RBAC. Nothing was stored. */
export class DeploymentRefusedError extends Error {
  override readonly name = 'DeploymentRefusedError';
  constructor(
    readonly workload: string,
    /** The API server's own words, e.g. `artifact digest sha256:.. is not approved`. */
    readonly reason: string,
  ) {
    super(`the cluster refused ${workload}: ${reason}`);
  }
}

/** The artifact's approval was revoked: it is not deployed again, and its approval is not written back. */
export class DigestRevokedError extends Error {
  override readonly name = 'DigestRevokedError';
  constructor(readonly digest: string) {
    super(`artifact digest ${digest} is revoked: it may not be deployed`);
  }
}

/** The cluster could not be reached or answered with something other than a decision. */
export class ClusterUnavailableError extends Error {
  override readonly name = 'ClusterUnavailableError';
}
