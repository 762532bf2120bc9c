/**
 * The out-of-band check: a governed endpoint was changed by someone other than the orchestrator. The
 * `out_of_band` entrypoint decides for the deployment gate (the decision's gate is `deployment`: it says what
 * may run on a target, as every deployment decision does); the decision is returned for the orchestration to
 * record (ledger first) before the remediation mode acts. It fails closed: a bundle that cannot be loaded or
 * trusted, or an evaluation that fails, denies.
 */
import { CLOUDTRAIL_API_CALL, SAGEMAKER_SOURCE } from '../../contracts/cloudtrail-sagemaker-call.ts';
import { type Decision, type DecisionSubject, policyResultSchema } from '../../contracts/decision.ts';
import { deterministicId } from '../../shared/hashing.ts';
import { DEPLOYMENT_GATE } from '../deployment/deployment-gate.ts';
import { GATE_ENTRYPOINTS } from '../policy/entrypoints.ts';
import { evaluateGate } from '../policy/evaluate-gate.ts';
import type { PolicyEngine } from '../policy/policy-engine.ts';
import { buildOutOfBandInput, type OutOfBandFinding } from './out-of-band-input.ts';

export interface OutOfBandGateDeps {
  policyEngine: () => Promise<PolicyEngine>;
  now: () => Date;
}

/** One decision per CloudTrail record: a redelivered event finds it recorded. */
export function outOfBandDecisionId(eventId: string): string {
  return deterministicId('out-of-band-decision', eventId);
}

export async function decideOutOfBand(
  finding: OutOfBandFinding,
  subject: DecisionSubject,
  deps: OutOfBandGateDeps,
): Promise<Decision> {
  const entrypoint = GATE_ENTRYPOINTS.out_of_band;
  const evaluatedAt = deps.now();
  const riskClass = finding.live[0]?.decision.riskClass ?? 'unknown';
  const base = {
    id: outOfBandDecisionId(finding.call.eventId),
    gate: DEPLOYMENT_GATE,
    subject,
    evaluatedAt: evaluatedAt.toISOString(),
    trigger: { eventId: finding.call.eventId, source: SAGEMAKER_SOURCE, detailType: CLOUDTRAIL_API_CALL },
    obligations: [],
  };
  const evaluation = await evaluateGate(
    {
      entrypoint,
      subject,
      input: buildOutOfBandInput(finding, subject, evaluatedAt),
      schema: policyResultSchema,
    },
    deps.policyEngine,
  );
  const { policy, inputSha256 } = evaluation;
  if (!evaluation.ok) {
    return { ...base, decision: 'deny', riskClass, violations: [evaluation.violation], policy, inputSha256 };
  }
  const { result } = evaluation;
  return {
    ...base,
    decision: result.decision,
    riskClass: result.riskClass ?? riskClass,
    violations: result.violations,
    policy,
    inputSha256,
  };
}
