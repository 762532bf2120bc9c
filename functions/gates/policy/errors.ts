/** Why the policy cannot decide: a bundle that cannot be loaded or is not trusted, an evaluation that failed. */

/** A policy bundle that is not a well-formed OPA Wasm bundle. */
export class PolicyBundleError extends Error {
  override readonly name = 'PolicyBundleError';
}

/** A bundle whose SHA-256 is not the pinned one, or no pin at all: the gate denies with gate.bundle_untrusted. */
export class PolicyBundleUntrustedError extends Error {
  override readonly name = 'PolicyBundleUntrustedError';
  constructor(
    message: string,
    /** The SHA-256 of the bundle that was refused. */
    readonly actualSha256: string,
  ) {
    super(message);
  }
}

/** An evaluation that threw, or an entrypoint that returned no decision. */
export class PolicyEvaluationError extends Error {
  override readonly name = 'PolicyEvaluationError';
}
