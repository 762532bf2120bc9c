/** What can go wrong when a deployment is asked for or steered, in the words of deployments. */

export class DeploymentNotFoundError extends Error {
  override readonly name = 'DeploymentNotFoundError';
  constructor(readonly deploymentId: string) {
    super(`no deployment ${deploymentId}`);
  }
}

/** The same idempotency key was used for another request. */
export class DeploymentRequestConflictError extends Error {
  override readonly name = 'DeploymentRequestConflictError';
  constructor(readonly deploymentId: string) {
    super(`deployment ${deploymentId} was requested with another request under the same idempotency key`);
  }
}

/** Another step holds the deployment: retry later (a queue redelivers). */
export class DeploymentBusyError extends Error {
  override readonly name = 'DeploymentBusyError';
  constructor(
    readonly deploymentId: string,
    readonly step: string,
  ) {
    super(`deployment ${deploymentId} is busy with its ${step} step; try again later`);
  }
}

/** A manual rollback of a deployment that runs nothing to roll back. */
export class DeploymentNotLiveError extends Error {
  override readonly name = 'DeploymentNotLiveError';
  constructor(
    readonly deploymentId: string,
    readonly status: string,
  ) {
    super(`deployment ${deploymentId} is ${status}: there is nothing to roll back`);
  }
}

/** No target of the request's kind is configured. */
export class DeploymentTargetUnavailableError extends Error {
  override readonly name = 'DeploymentTargetUnavailableError';
  constructor(readonly kind: string) {
    super(`no deployment target for ${kind} is configured`);
  }
}

/** Some live deployments of a revoked decision could not be revoked; the others were. */
export class DeploymentRevocationIncompleteError extends Error {
  override readonly name = 'DeploymentRevocationIncompleteError';
  constructor(
    readonly decisionId: string,
    readonly failures: readonly { deploymentId: string; reason: string }[],
  ) {
    super(
      `decision ${decisionId}: ${failures.length} deployment(s) not revoked: ${failures
        .map((f) => `${f.deploymentId} (${f.reason})`)
        .join(', ')}`,
    );
  }
}
