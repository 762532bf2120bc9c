/**
 * The deployment gate: decides whether a model version may run on a target, by the `deployment` policy family,
 * and returns the decision in the same shape as the registry gate's, with the cost estimate. It decides only:
 * recording the decision and applying it are the orchestration's steps. It fails closed: a bundle that cannot be
 * loaded or trusted, or an evaluation that fails, denies with a `gate.*` violation.
 */
import { z } from 'zod';
import { type Decision, policyResultSchema, type Violation } from '../../contracts/decision.ts';
import { type DeploymentRequest, deploymentRequestSchema } from '../../contracts/deployment-request.ts';
import { deterministicId } from '../../shared/hashing.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { cannotDecide } from '../fail-closed.ts';
import { GATE_ENTRYPOINTS } from '../policy/entrypoints.ts';
import { evaluateGate } from '../policy/evaluate-gate.ts';
import type { PolicyEngine } from '../policy/policy-engine.ts';
import {
  buildDeploymentInput,
  type DeploymentGateFacts,
  type DeploymentPolicyInput,
  deploymentSubject,
} from './deployment-input.ts';

export const DEPLOYMENT_GATE = 'deployment';

/** Where a deployment decision comes from, for its trigger. */
export const DEPLOYMENT_REQUESTED = {
  source: 'verdict.deployments',
  detailType: 'Deployment Requested',
} as const;

/** The policy's cost estimate at the autoscaling maximum; null when the price table has no price. */
export const costEstimateSchema = z
  .object({
    instanceType: z.string(),
    region: z.string(),
    units: z.number(),
    hoursPerMonth: z.number(),
    hourlyUsd: z.number(),
    monthlyUsd: z.number(),
    budgetUsd: z.number().nullable(),
    costCentre: z.string().nullable(),
  })
  .nullable();
export type CostEstimate = z.infer<typeof costEstimateSchema>;

const deploymentResultSchema = policyResultSchema.extend({ cost: costEstimateSchema });

export interface DeploymentGateDeps {
  /** Resolves the engine for the current bundle; a failure denies every deployment until fixed. */
  policyEngine: () => Promise<PolicyEngine>;
  now: () => Date;
}

export interface DeploymentGateOutcome {
  decision: Decision;
  cost: CostEstimate;
}

/** The facts the gate needs besides the request, resolved by the caller from the ledger and the registry. */
export type DeploymentFacts = Omit<DeploymentGateFacts, 'request'>;

/**
 * Decides on one deployment request. A request that is not a valid DeploymentRequest is refused before any
 * policy runs (InvalidInputError `deployment_request.invalid`, with every problem and its path).
 */
export async function decideDeployment(
  requestId: string,
  rawRequest: unknown,
  facts: DeploymentFacts,
  deps: DeploymentGateDeps,
): Promise<DeploymentGateOutcome> {
  const request: DeploymentRequest = parseOrThrow(
    deploymentRequestSchema,
    rawRequest,
    'deployment_request.invalid',
  );
  const entrypoint = GATE_ENTRYPOINTS.deployment;
  const evaluatedAt = deps.now();
  const subject = deploymentSubject(request.modelPackageArn);
  const base = {
    id: deterministicId(DEPLOYMENT_GATE, requestId),
    gate: DEPLOYMENT_GATE,
    subject,
    evaluatedAt: evaluatedAt.toISOString(),
    trigger: { eventId: requestId, ...DEPLOYMENT_REQUESTED },
  };
  const refuse = (
    violation: Violation,
    policy: Decision['policy'],
    inputSha256: string,
  ): DeploymentGateOutcome => ({
    decision: {
      ...base,
      decision: 'deny',
      riskClass: 'unknown',
      violations: [violation],
      obligations: [],
      policy,
      inputSha256,
    },
    cost: null,
  });

  const input = buildDeploymentInput({ ...facts, request }, evaluatedAt);
  const evaluation = await evaluateGate(
    { entrypoint, subject, input, schema: deploymentResultSchema },
    deps.policyEngine,
  );
  const { policy, inputSha256 } = evaluation;
  if (!evaluation.ok) return refuse(evaluation.violation, policy, inputSha256);
  const { result } = evaluation;
  const decision: Decision = {
    ...base,
    decision: result.decision,
    riskClass: result.riskClass ?? 'unknown',
    violations: result.violations,
    obligations: result.obligations,
    policy,
    inputSha256,
  };
  // Defence in depth: whatever the bundle says, nothing runs without an allow that stands, for this artifact.
  const unverified = result.decision === 'allow' ? approvalGap(input) : undefined;
  if (unverified) {
    const violation = cannotDecide(
      'gate.approval_unverified',
      `the policy allowed a deployment, but ${unverified}`,
    );
    return {
      decision: { ...decision, decision: 'deny', violations: [violation, ...decision.violations] },
      cost: result.cost,
    };
  }
  return { decision, cost: result.cost };
}

/** Why the input does not show a standing allow for the artifact; undefined when it does. */
function approvalGap(input: DeploymentPolicyInput): string | undefined {
  const { approval, artifact } = input;
  if (!approval) return 'the ledger holds no model-registry decision for the package';
  if (approval.decision !== 'allow')
    return `the model-registry decision ${approval.decisionId} is ${approval.decision}`;
  if (approval.revoked) return `the model-registry decision ${approval.decisionId} was revoked`;
  if (!artifact.digest || approval.artifactDigest !== artifact.digest) {
    return `the artifact ${artifact.digest ?? '(none)'} is not the one decision ${approval.decisionId} allowed`;
  }
  if (approval.riskClass === 'unknown') return 'the risk class is unknown';
  return undefined;
}
