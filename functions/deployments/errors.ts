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
