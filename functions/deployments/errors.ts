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

/**
 * A `Verdict Decision` allowing a version names a decision the decision store does not hold: promotion acts
 * on recorded decisions only (an event on the bus is not one). Thrown, so the event is retried, then kept.
 */
export class PromotedDecisionNotRecordedError extends Error {
  override readonly name = 'PromotedDecisionNotRecordedError';
  constructor(readonly decisionId: string) {
    super(`decision ${decisionId} is not recorded: nothing is promoted on it`);
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
  constructor(readonly target: string) {
    super(`no deployment target for ${target} is configured`);
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

/** Why a deployment target refuses a step: each message is one line the CLI prints as it is. */
export type DeploymentProblem =
  /** The model package the request names does not exist in the registry. */
  | 'unknown-model-package'
  /** The approved artifact and the request name different model packages. */
  | 'artifact-mismatch'
  /** A deployment id the target cannot derive its resource names from. */
  | 'invalid-deployment-id'
  /** A rollout strategy the target cannot express (step sizes, bakes that do not fit the time allowed). */
  | 'unsupported-strategy'
  /** Data capture switched on without anything to capture. */
  | 'invalid-data-capture'
  /** More tags than the target accepts once its own tags are added. */
  | 'too-many-tags'
  /** A request for another kind of target. */
  | 'wrong-target'
  /** The target is busy with another change; the step can be retried after it ends. */
  | 'target-busy'
  /** The workload the step is about does not run the model it names. */
  | 'not-serving-model';

export class DeploymentError extends Error {
  override readonly name = 'DeploymentError';
  constructor(
    readonly problem: DeploymentProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
