/**
 * The model-registry gate: decides whether a newly registered model version may be approved, records the
 * decision, sets the approval status and announces the decision. Plain async code over ports, so the
 * Lambda handler and the local runtime run exactly this.
 */

import type { ActionRecord } from '../../contracts/action.ts';
import {
  type Decision,
  type DecisionSubject,
  type PolicyResult,
  policyResultSchema,
  type Violation,
} from '../../contracts/decision.ts';
import { type Exception, exceptionStatusAt } from '../../contracts/exception.ts';
import type { ModelPackageStateChangeEvent } from '../../contracts/model-package-state-change.ts';
import { DECISION_EVENT } from '../../contracts/verdict-decision-event.ts';
import type { ActionLog } from '../../ports/action-log.ts';
import type { DecisionStore } from '../../ports/decision-store.ts';
import type { EventPublisher } from '../../ports/event-publisher.ts';
import type { ExceptionStore } from '../../ports/exception-store.ts';
import type { ModelPackage, ModelRegistry } from '../../ports/model-registry.ts';
import type { ObjectStore } from '../../ports/object-store.ts';
import { canonicalSha256, deterministicId } from '../../shared/hashing.ts';
import { InvalidInputError } from '../../shared/validation.ts';
import { cannotDecide, withDeadline } from '../fail-closed.ts';
import type { TrainingDataScanOptions } from '../pii/training-data.ts';
import { GATE_ENTRYPOINTS } from '../policy/entrypoints.ts';
import { PolicyBundleUntrustedError } from '../policy/errors.ts';
import type { PolicyEngine } from '../policy/policy-engine.ts';
import { approvalDescription } from './approval-description.ts';
import { artifactDigest } from './artifact-digest.ts';
import { type GovernanceInputs, loadGovernanceInputs } from './governance-inputs.ts';

export const GATE = 'model-registry';

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
  /** See DEFAULT_COMPLETION_LEASE_MS. */
  completionLeaseMs?: number;
}

export type GateOutcome =
  | {
      status: 'decided';
      decision: Decision;
      approvalStatus: 'Approved' | 'Rejected' | 'PendingManualApproval';
    }
  | { status: 'duplicate'; decision: Decision }
  | { status: 'skipped'; reason: string };

/** How long the evaluation whose decision the ledger holds has to apply it before another event may. */
const DEFAULT_COMPLETION_LEASE_MS = 15 * 60 * 1000;

/**
 * One decision per model version, whatever the events: every event about a pending version maps to this id,
 * so the ledger (which keeps the first entry of an id, atomically) lets one evaluation win.
 */
export function modelPackageDecisionId(arn: string): string {
  return deterministicId(GATE, arn, 'PendingManualApproval');
}

export async function gateModelPackage(
  event: ModelPackageStateChangeEvent,
  deps: ModelRegistryGateDeps,
): Promise<GateOutcome> {
  const arn = event.detail.ModelPackageArn;
  const pkg = await deps.registry.describeModelPackage(arn);
  if (!pkg)
    throw new InvalidInputError('model_package.not_found', [`detail.ModelPackageArn: ${arn} does not exist`]);

  const decisionId = modelPackageDecisionId(arn);
  const earlier = await deps.decisions.get(decisionId);
  if (earlier) return complete(earlier, { fresh: false, event, pkg }, deps);
  if (pkg.approvalStatus !== 'PendingManualApproval') {
    return { status: 'skipped', reason: `${arn} is already ${pkg.approvalStatus}` };
  }

  const decision = await decide(decisionId, event, pkg, deps);
  const { stored, created } = await deps.decisions.record(decision);
  return complete(stored, { fresh: created, event, pkg }, deps);
}

/**
 * Carries out what the ledger's decision calls for, once: the status update and the `Verdict Decision` event
 * are each recorded in the ledger when done, and a later delivery does only what is not recorded (the ledger
 * is the outbox). The event whose evaluation the ledger holds does it; another event for the same version
 * finds the decision and leaves the work to it, unless that one has had the lease and not finished.
 */
async function complete(
  decision: Decision,
  { fresh, event, pkg }: { fresh: boolean; event: ModelPackageStateChangeEvent; pkg: ModelPackage },
  deps: ModelRegistryGateDeps,
): Promise<GateOutcome> {
  const owner = decision.trigger.eventId === event.id;
  const lease = deps.completionLeaseMs ?? DEFAULT_COMPLETION_LEASE_MS;
  const leaseOver = deps.now().getTime() - Date.parse(decision.evaluatedAt) >= lease;
  if (!owner && !leaseOver) return { status: 'duplicate', decision };

  const done = (kind: string) =>
    fresh ? Promise.resolve(false) : deps.actions.hasAction(actionId(kind, decision, 'succeeded'));
  const status = approvalStatusFor(decision);
  let acted = false;
  // `review` leaves the version pending: a person decides, with the decision event as the prompt.
  if (status !== 'PendingManualApproval' && !(await done(UPDATE_STATUS))) {
    if (pkg.approvalStatus === 'PendingManualApproval') {
      await recorded(deps, decision, UPDATE_STATUS, status, () =>
        deps.registry.setApprovalStatus(decision.subject.id, status, approvalDescription(decision)),
      );
      acted = true;
    } else if (pkg.approvalStatus === status) {
      // Applied before a crash kept it from being recorded.
      await record(deps, decision, UPDATE_STATUS, 'succeeded', `${status} (found applied)`);
    } else {
      await record(
        deps,
        decision,
        UPDATE_STATUS,
        'skipped',
        `${pkg.approvalStatus} set by another principal`,
      );
    }
  }
  if (!(await done(PUBLISH))) {
    await recorded(deps, decision, PUBLISH, DECISION_EVENT.detailType, () =>
      deps.events.publish({
        source: DECISION_EVENT.source,
        detailType: DECISION_EVENT.detailType,
        detail: decision,
        resources: [decision.subject.id],
      }),
    );
    acted = true;
  }
  return acted ? { status: 'decided', decision, approvalStatus: status } : { status: 'duplicate', decision };
}

const UPDATE_STATUS = 'sagemaker:UpdateModelPackage';
const PUBLISH = 'events:PutEvents';

async function decide(
  id: string,
  event: ModelPackageStateChangeEvent,
  pkg: ModelPackage,
  deps: ModelRegistryGateDeps,
): Promise<Decision> {
  const entrypoint = GATE_ENTRYPOINTS.model_registry;
  const evaluatedAt = deps.now();
  const subject: DecisionSubject = {
    kind: 'model-package',
    id: pkg.arn,
    group: pkg.groupName,
    version: pkg.version,
  };
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
  let digest: string | null;
  try {
    [inputs, exceptions, digest] = await withDeadline(
      Promise.all([
        loadGovernanceInputs(pkg, deps.objects, { trainingData: deps.trainingData }),
        deps.exceptions.listFor([pkg.groupName, pkg.arn]),
        artifactDigest(pkg, deps.objects),
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

  if (digest !== null) base.subject = { ...subject, artifactDigest: digest };
  const input = {
    gate: 'model_registry',
    environment: deps.environment,
    asOf: evaluatedAt.toISOString().slice(0, 10),
    now: evaluatedAt.toISOString(),
    subject: base.subject,
    profile: inputs.profile,
    evidence: inputs.evidence,
    // A revoked exception waives nothing from its revocation on; the ledger keeps it for the audit trail.
    exceptions: exceptions.filter((e) => exceptionStatusAt(e, evaluatedAt) !== 'revoked'),
  };
  const inputSha256 = canonicalSha256(input);
  let result: PolicyResult;
  const started = performance.now();
  const elapsed = () => ({ evaluationMs: Math.round((performance.now() - started) * 1000) / 1000 });
  try {
    result = policyResultSchema.parse(engine.evaluate(entrypoint, input));
  } catch (error) {
    const violation = cannotDecide('gate.policy_error', `policy evaluation failed: ${message(error)}`);
    return { ...base, ...elapsed(), ...denied(violation), policy, inputSha256 };
  }
  const timed = { ...base, ...elapsed() };
  // Defence in depth: the policy never allows a system of unknown risk class (its Art. 5 status cannot
  // be assessed); a bundle that does is not trusted with the outcome.
  if (result.decision === 'allow' && (result.riskClass ?? 'unknown') === 'unknown') {
    const violation = cannotDecide(
      'gate.risk_class_unknown',
      'the policy allowed a system whose risk class is unknown; without a classification the Art. 5 prohibitions cannot be assessed',
    );
    return {
      ...timed,
      decision: 'deny',
      riskClass: 'unknown',
      violations: [violation, ...result.violations],
      obligations: result.obligations,
      policy,
      inputSha256,
    };
  }
  return {
    ...timed,
    decision: result.decision,
    ...(result.riskClass ? { riskClass: result.riskClass } : {}),
    violations: result.violations,
    obligations: result.obligations,
    ...(result.classification ? { classification: result.classification } : {}),
    policy,
    inputSha256,
  };
}

function approvalStatusFor(decision: Decision): 'Approved' | 'Rejected' | 'PendingManualApproval' {
  if (decision.decision === 'allow') return 'Approved';
  if (decision.decision === 'deny') return 'Rejected';
  return 'PendingManualApproval';
}

function actionId(kind: string, decision: Decision, outcome: ActionRecord['outcome']): string {
  return `${kind}/${decision.id}/${outcome}`;
}

function record(
  deps: ModelRegistryGateDeps,
  decision: Decision,
  kind: string,
  outcome: ActionRecord['outcome'],
  detail: string,
): Promise<unknown> {
  return deps.actions.recordAction({
    id: actionId(kind, decision, outcome),
    decisionId: decision.id,
    kind,
    target: decision.subject.id,
    outcome,
    at: deps.now().toISOString(),
    detail,
  });
}

/** Runs one action and appends what happened to the audit ledger, success or failure. */
async function recorded(
  deps: ModelRegistryGateDeps,
  decision: Decision,
  kind: string,
  detail: string,
  act: () => Promise<void>,
): Promise<void> {
  try {
    await act();
  } catch (error) {
    await record(deps, decision, kind, 'failed', `${detail}: ${message(error)}`.slice(0, 500));
    throw error;
  }
  await record(deps, decision, kind, 'succeeded', detail);
}

function denied(violation: Violation): Pick<Decision, 'decision' | 'violations' | 'obligations'> {
  return { decision: 'deny', violations: [violation], obligations: [] };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
