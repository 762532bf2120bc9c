/**
 * The model-registry gate: decides whether a newly registered model version may be approved, records the
 * decision, sets the approval status and announces the decision. Plain async code over ports, so the
 * Lambda handler and the local runtime run exactly this.
 */

import type { ModelPackageStateChangeEvent } from '../../events/model-package-state-change.ts';
import type { ActionLog } from '../../ports/action-log.ts';
import type { DecisionStore } from '../../ports/decision-store.ts';
import type { EventPublisher } from '../../ports/event-publisher.ts';
import type { ExceptionStore } from '../../ports/exception-store.ts';
import type { ModelPackage, ModelRegistry } from '../../ports/model-registry.ts';
import type { ObjectStore } from '../../ports/object-store.ts';
import { canonicalSha256, deterministicId } from '../../shared/hashing.ts';
import { InvalidInputError } from '../../shared/validation.ts';
import type { Decision, Violation } from '../decision.ts';
import type { Exception } from '../exceptions/exception.ts';
import { cannotDecide, withDeadline } from '../fail-closed.ts';
import type { TrainingDataScanOptions } from '../pii/training-data.ts';
import { PolicyBundleUntrustedError } from '../policy/engine-cache.ts';
import { GATE_ENTRYPOINTS } from '../policy/entrypoints.ts';
import type { PolicyEngine } from '../policy/policy-engine.ts';
import { type PolicyResult, policyResultSchema } from '../policy/policy-result.ts';
import { approvalDescription } from './approval-description.ts';
import { type GovernanceInputs, loadGovernanceInputs } from './governance-inputs.ts';

export const GATE = 'model-registry';
export const DECISION_EVENT = { source: 'verdict', detailType: 'Verdict Decision' } as const;

export interface ModelRegistryGateDeps {
  registry: ModelRegistry;
  objects: ObjectStore;
  decisions: DecisionStore;
  exceptions: ExceptionStore;
  events: EventPublisher;
  /** The audit ledger, where every action the gate takes is recorded after the decision that caused it. */
  actions: ActionLog;
  /** Resolves the engine for the current bundle; a failure denies every model until fixed. */
  policyEngine: () => Promise<PolicyEngine>;
  environment: string;
  now: () => Date;
  /** Budget for loading inputs and evaluating; past it the gate denies. */
  deadlineMs: number;
  /** How the training data a package names is scanned for PII (sample size, phone region). */
  trainingData?: TrainingDataScanOptions;
}

export type GateOutcome =
  | {
      status: 'decided';
      decision: Decision;
      approvalStatus: 'Approved' | 'Rejected' | 'PendingManualApproval';
    }
  | { status: 'duplicate'; decision: Decision }
  | { status: 'skipped'; reason: string };

export async function gateModelPackage(
  event: ModelPackageStateChangeEvent,
  deps: ModelRegistryGateDeps,
): Promise<GateOutcome> {
  const arn = event.detail.ModelPackageArn;
  const pkg = await deps.registry.describeModelPackage(arn);
  if (!pkg)
    throw new InvalidInputError('model_package.not_found', [`detail.ModelPackageArn: ${arn} does not exist`]);

  const decisionId = deterministicId(GATE, event.id);
  const earlier = await deps.decisions.get(decisionId);
  if (earlier) {
    // A redelivery. If the status was never applied (a crash after recording), finish the job once.
    if (pkg.approvalStatus !== 'PendingManualApproval') return { status: 'duplicate', decision: earlier };
    return { status: 'decided', decision: earlier, approvalStatus: await applyDecision(earlier, deps) };
  }
  if (pkg.approvalStatus !== 'PendingManualApproval') {
    return { status: 'skipped', reason: `${arn} is already ${pkg.approvalStatus}` };
  }

  const decision = await decide(decisionId, event, pkg, deps);
  const { stored } = await deps.decisions.record(decision);
  return { status: 'decided', decision: stored, approvalStatus: await applyDecision(stored, deps) };
}

async function decide(
  id: string,
  event: ModelPackageStateChangeEvent,
  pkg: ModelPackage,
  deps: ModelRegistryGateDeps,
): Promise<Decision> {
  const entrypoint = GATE_ENTRYPOINTS.model_registry;
  const evaluatedAt = deps.now();
  const subject = { kind: 'model-package' as const, id: pkg.arn, group: pkg.groupName, version: pkg.version };
  const base = {
    id,
    gate: GATE,
    subject,
    evaluatedAt: evaluatedAt.toISOString(),
    trigger: { eventId: event.id, source: event.source, detailType: event['detail-type'] },
  };

  let engine: PolicyEngine;
  try {
    engine = await deps.policyEngine();
  } catch (error) {
    if (error instanceof PolicyBundleUntrustedError) {
      const violation = cannotDecide(
        'gate.bundle_untrusted',
        `policy bundle refused, only the pinned bundle is evaluated: ${error.message}`,
      );
      return {
        ...base,
        ...denied(violation),
        policy: { bundleSha256: error.actualSha256, version: 'untrusted', entrypoint },
        inputSha256: canonicalSha256({ subject }),
      };
    }
    const violation = cannotDecide(
      'gate.policy_unavailable',
      `policy bundle could not be loaded: ${message(error)}`,
    );
    return {
      ...base,
      ...denied(violation),
      policy: { bundleSha256: 'unavailable', version: 'unavailable', entrypoint },
      inputSha256: canonicalSha256({ subject }),
    };
  }
  const policy = { bundleSha256: engine.bundle.sha256, version: engine.bundle.version, entrypoint };

  let inputs: GovernanceInputs;
  let exceptions: Exception[];
  try {
    [inputs, exceptions] = await withDeadline(
      Promise.all([
        loadGovernanceInputs(pkg, deps.objects, { trainingData: deps.trainingData }),
        deps.exceptions.listFor([pkg.groupName, pkg.arn]),
      ]),
      deps.deadlineMs,
      'loading governance inputs',
    );
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    const violation = cannotDecide(
      'gate.inputs_unavailable',
      `governance inputs could not be loaded: ${message(error)}`,
    );
    return { ...base, ...denied(violation), policy, inputSha256: canonicalSha256({ subject }) };
  }

  const input = {
    gate: 'model_registry',
    environment: deps.environment,
    asOf: evaluatedAt.toISOString().slice(0, 10),
    now: evaluatedAt.toISOString(),
    subject,
    profile: inputs.profile,
    evidence: inputs.evidence,
    exceptions,
  };
  const inputSha256 = canonicalSha256(input);
  let result: PolicyResult;
  try {
    result = policyResultSchema.parse(engine.evaluate(entrypoint, input));
  } catch (error) {
    const violation = cannotDecide('gate.policy_error', `policy evaluation failed: ${message(error)}`);
    return { ...base, ...denied(violation), policy, inputSha256 };
  }
  // Defence in depth: the policy never allows a system of unknown risk class (its Art. 5 status cannot
  // be assessed); a bundle that does is not trusted with the outcome.
  if (result.decision === 'allow' && (result.riskClass ?? 'unknown') === 'unknown') {
    const violation = cannotDecide(
      'gate.risk_class_unknown',
      'the policy allowed a system whose risk class is unknown; without a classification the Art. 5 prohibitions cannot be assessed',
    );
    return {
      ...base,
      decision: 'deny',
      riskClass: 'unknown',
      violations: [violation, ...result.violations],
      obligations: result.obligations,
      policy,
      inputSha256,
    };
  }
  return {
    ...base,
    decision: result.decision,
    ...(result.riskClass ? { riskClass: result.riskClass } : {}),
    violations: result.violations,
    obligations: result.obligations,
    ...(result.classification ? { classification: result.classification } : {}),
    policy,
    inputSha256,
  };
}

async function applyDecision(
  decision: Decision,
  deps: ModelRegistryGateDeps,
): Promise<'Approved' | 'Rejected' | 'PendingManualApproval'> {
  const status =
    decision.decision === 'allow'
      ? 'Approved'
      : decision.decision === 'deny'
        ? 'Rejected'
        : 'PendingManualApproval';
  // `review` leaves the version pending: a person decides, with the decision event as the prompt.
  if (status !== 'PendingManualApproval') {
    await recorded(deps, decision, 'sagemaker:UpdateModelPackage', status, () =>
      deps.registry.setApprovalStatus(decision.subject.id, status, approvalDescription(decision)),
    );
  }
  await recorded(deps, decision, 'events:PutEvents', DECISION_EVENT.detailType, () =>
    deps.events.publish({
      source: DECISION_EVENT.source,
      detailType: DECISION_EVENT.detailType,
      detail: decision,
      resources: [decision.subject.id],
    }),
  );
  return status;
}

/** Runs one action and appends what happened to the audit ledger, success or failure. */
async function recorded(
  deps: ModelRegistryGateDeps,
  decision: Decision,
  kind: string,
  detail: string,
  act: () => Promise<void>,
): Promise<void> {
  const record = (outcome: 'succeeded' | 'failed', note = detail) =>
    deps.actions.recordAction({
      id: `${kind}/${decision.id}/${outcome}`,
      decisionId: decision.id,
      kind,
      target: decision.subject.id,
      outcome,
      at: deps.now().toISOString(),
      detail: note,
    });
  try {
    await act();
  } catch (error) {
    await record('failed', `${detail}: ${message(error)}`.slice(0, 500));
    throw error;
  }
  await record('succeeded');
}

function denied(violation: Violation): Pick<Decision, 'decision' | 'violations' | 'obligations'> {
  return { decision: 'deny', violations: [violation], obligations: [] };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
