/**
 * One gate evaluation, failing closed: the engine for the pinned bundle is resolved, the entrypoint evaluated
 * on the input and its result parsed by the gate's schema. A bundle that cannot be loaded or trusted, or an
 * evaluation that fails or returns another shape, yields the `gate.*` violation the gate decides on instead.
 */
import type { z } from 'zod';
import type { DecisionSubject, PolicyProvenance, Violation } from '../../contracts/decision.ts';
import { canonicalSha256 } from '../../shared/hashing.ts';
import { cannotDecide } from '../fail-closed.ts';
import { PolicyBundleUntrustedError } from './errors.ts';
import type { PolicyEngine } from './policy-engine.ts';

export type GateEvaluation<T> = { policy: PolicyProvenance; inputSha256: string } & (
  | { ok: true; result: T }
  | { ok: false; violation: Violation }
);

export async function evaluateGate<T extends z.ZodType>(
  request: { entrypoint: string; subject: DecisionSubject; input: unknown; schema: T },
  policyEngine: () => Promise<PolicyEngine>,
): Promise<GateEvaluation<z.output<T>>> {
  const { entrypoint, subject } = request;
  let engine: PolicyEngine;
  try {
    engine = await policyEngine();
  } catch (error) {
    const untrusted = error instanceof PolicyBundleUntrustedError;
    const violation = untrusted
      ? cannotDecide(
          'gate.bundle_untrusted',
          `policy bundle refused, only the pinned bundle is evaluated: ${error.message}`,
        )
      : cannotDecide('gate.policy_unavailable', `policy bundle could not be loaded: ${message(error)}`);
    const policy = untrusted
      ? { bundleSha256: error.actualSha256, version: 'untrusted', entrypoint }
      : { bundleSha256: 'unavailable', version: 'unavailable', entrypoint };
    return { ok: false, violation, policy, inputSha256: canonicalSha256({ subject }) };
  }
  const policy = { bundleSha256: engine.bundle.sha256, version: engine.bundle.version, entrypoint };
  const { input } = request;
  const inputSha256 = canonicalSha256(input);
  try {
    return {
      ok: true,
      result: request.schema.parse(engine.evaluate(entrypoint, input)),
      policy,
      inputSha256,
    };
  } catch (error) {
    return {
      ok: false,
      violation: cannotDecide('gate.policy_error', `policy evaluation failed: ${message(error)}`),
      policy,
      inputSha256,
    };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
