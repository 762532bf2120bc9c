/** Why a deployed stack cannot be reached: each message is one line the CLI prints as it is. */

export type StackProblem = 'not-found' | 'not-verdict' | 'no-credentials' | 'no-region' | 'missing-output';

export class DeployedStackError extends Error {
  override readonly name = 'DeployedStackError';
  constructor(
    readonly problem: StackProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
