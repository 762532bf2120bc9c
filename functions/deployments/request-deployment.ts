/**
 * The first step: a request, checked and decided by the deployment gate on the facts of the ledger. The
 * decision is recorded (ledger first, by the decision store), then the step's action, then the deployment's
 * record: `requested` when allowed, `refused` with the reasons otherwise, and then nothing is applied.
 *
 * The deployment id derives from the caller's idempotency key: a repeated request returns the deployment
 * that is recorded (a crash between the ledger and the store is completed from the ledger's decision).
 */
import { type Decision, decidesOutcome } from '../contracts/decision.ts';
import { type Deployment, deploymentActionId } from '../contracts/deployment.ts';
import { type DeploymentRequest, deploymentRequestSchema } from '../contracts/deployment-request.ts';
import { decideDeployment } from '../gates/deployment/deployment-gate.ts';
import { DeploymentVersionConflictError } from '../ports/deployment-store.ts';
import { canonicalSha256, deterministicId } from '../shared/hashing.ts';
import { parseOrThrow } from '../shared/validation.ts';
import { DeploymentRequestConflictError } from './errors.ts';
import { resolveDeploymentFacts } from './resolve-facts.ts';
import { type DeploymentSagaDeps, targetName } from './saga-deps.ts';

export function deploymentIdFor(requestId: string): string {
  return deterministicId('deployment', requestId);
}

export async function requestDeployment(
  requestId: string,
  rawRequest: unknown,
  deps: DeploymentSagaDeps,
  /** Who asked, as the request event carries it (sealed when it may name a person). */
  requestedBy?: string,
): Promise<Deployment> {
  const request = parseOrThrow(deploymentRequestSchema, rawRequest, 'deployment_request.invalid');
  const id = deploymentIdFor(requestId);
  const existing = await deps.store.get(id);
  if (existing) return sameRequest(existing, request);

  const facts = await resolveDeploymentFacts(request, deps.decisions, deps.facts);
  const { decision } = await decideDeployment(requestId, request, facts, deps);
  const { stored } = await deps.decisions.record(decision);
  const allowed = stored.decision === 'allow';
  const explanations = allowed ? [] : explainDecision(stored);
  const status = allowed ? 'requested' : 'refused';
  const actionId = deploymentActionId(id, 'gate');
  const at = deps.now().toISOString();
  const detail = allowed ? `allowed by ${stored.id}` : `${stored.decision}: ${explanations.join('; ')}`;
  await deps.actions.recordAction({
    id: actionId,
    decisionId: stored.id,
    kind: 'deployment.gate',
    target: targetName(request),
    outcome: allowed ? 'succeeded' : 'skipped',
    at,
    detail: `${status}: ${detail}`.slice(0, 500),
  });
  const approval = facts.approval?.decision;
  const record: Deployment = {
    id,
    version: 1,
    requestId,
    request,
    requestedAt: at,
    ...(requestedBy !== undefined && { requestedBy }),
    status,
    decision: stored,
    explanations,
    artifact:
      allowed && approval && facts.artifactDigest
        ? { modelPackageArn: request.modelPackageArn, digest: facts.artifactDigest, decisionId: approval.id }
        : null,
    plan: null,
    applied: null,
    bakeEndsAt: null,
    pending: null,
    history: [{ step: 'gate', status, at, actionId, detail: detail.slice(0, 500) }],
    updatedAt: at,
  };
  try {
    await deps.store.put(record, 0);
    return record;
  } catch (error) {
    if (!(error instanceof DeploymentVersionConflictError)) throw error;
    const winner = await deps.store.get(id);
    if (!winner) throw error;
    return sameRequest(winner, request);
  }
}

/** The deployment asked for under this idempotency key, if it was asked for with this request. */
export function sameRequest(existing: Deployment, request: DeploymentRequest): Deployment {
  if (canonicalSha256(existing.request) !== canonicalSha256(request)) {
    throw new DeploymentRequestConflictError(existing.id);
  }
  return existing;
}

/** `rule: message (remediation)` for each violation that decided the outcome. */
export function explainDecision(decision: Decision): string[] {
  const lines = decision.violations
    .filter(decidesOutcome)
    .map((v) => `${v.rule}: ${v.message} (${v.remediation})`);
  return lines.length > 0 ? lines : [`the ${decision.gate} gate decided ${decision.decision}`];
}
