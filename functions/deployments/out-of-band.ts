/**
 * Out-of-band changes: someone other than the orchestrator created, updated or deleted an endpoint (CloudTrail's
 * record of the call, on the default bus). The endpoint is re-gated on what it serves now: when every config it
 * serves (or is rolling out) is the one of the live Verdict deployment on that target, nothing is done but the
 * record. Otherwise it serves something no gate allowed there. On an endpoint a Verdict deployment runs on, the
 * deployment gate decides (`deployment.out_of_band`, policies/gates/out_of_band.rego); its decision, which says
 * who changed what and what the mode does about it, is recorded first (ledger first), then the mode acts:
 * `alert` does nothing more; `restore` puts back the last promoted deployment's config (deletes the endpoint
 * when there is none); `delete` deletes it. `Verdict Out-Of-Band Deployment` is published. An endpoint Verdict
 * never deployed to is only alerted on: the orchestrator may change governed endpoints only. Every outcome is
 * one ledger action, `out-of-band/<id of the CloudTrail event>`, naming the decision: a redelivered event finds
 * it and does nothing again; one redelivered between the decision and the action finds the decision and acts.
 */

import {
  type CloudTrailSageMakerCall,
  callerOf,
  cloudTrailSageMakerCallSchema,
} from '../contracts/cloudtrail-sagemaker-call.ts';
import type { Decision } from '../contracts/decision.ts';
import type { Deployment } from '../contracts/deployment.ts';
import {
  OUT_OF_BAND_DEPLOYMENT,
  type OutOfBandDeploymentDetail,
  type OutOfBandMode,
  VERDICT_SOURCE,
} from '../contracts/deployment-events.ts';
import { deploymentTargetName } from '../contracts/deployment-request.ts';
import type { DeploymentStatus } from '../contracts/deployment-status.ts';
import {
  decideOutOfBand,
  type OutOfBandGateDeps,
  outOfBandDecisionId,
} from '../gates/out-of-band/out-of-band-gate.ts';
import { type OutOfBandFinding, outOfBandSubject } from '../gates/out-of-band/out-of-band-input.ts';
import type { ActionLog } from '../ports/action-log.ts';
import type { DecisionStore } from '../ports/decision-store.ts';
import { type DeploymentStore, eachDeployment, newestDeployment } from '../ports/deployment-store.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { EndpointServing, OutOfBandRemediation } from '../ports/out-of-band-remediation.ts';
import { deterministicId } from '../shared/hashing.ts';
import { InvalidInputError, parseOrThrow } from '../shared/validation.ts';

export interface OutOfBandSettings {
  mode: OutOfBandMode;
  /** The orchestrator's own role: its calls are the governed ones. */
  orchestratorRoleArn?: string;
  remediation: OutOfBandRemediation;
}

export interface OutOfBandDeps extends OutOfBandGateDeps {
  store: DeploymentStore;
  /** Where the deployment gate's out-of-band decisions are recorded (ledger first). */
  decisions: DecisionStore;
  actions: ActionLog;
  events: EventPublisher;
  now: () => Date;
  outOfBand: OutOfBandSettings;
}

export type OutOfBandOutcome =
  | {
      step: 'out-of-band';
      target: string;
      /** `governed`: it still serves the live deployment; `remediated`: it did not, and the mode was applied. */
      finding: 'governed' | 'remediated' | 'already-recorded' | 'config-only' | 'gone';
      detail: string;
      /** The deployment gate's decision on a governed endpoint's change. */
      decisionId?: string;
    }
  | { step: 'ignored'; reason: string };

/** Statuses whose revision may be on the endpoint: the newest promoted one and the rollouts under way. */
const ROLLING: readonly DeploymentStatus[] = ['applying', 'baking', 'rolling-back'];

export function outOfBandActionId(eventId: string): string {
  return `out-of-band/${deterministicId('out-of-band', eventId)}`;
}

export async function onOutOfBandCall(rawDetail: unknown, deps: OutOfBandDeps): Promise<OutOfBandOutcome> {
  if (rawDetail === null || typeof rawDetail !== 'object') {
    throw new InvalidInputError('event.invalid', ['detail: expected an object']);
  }
  const call = parseOrThrow(cloudTrailSageMakerCallSchema, rawDetail, 'event.invalid');
  if (call.errorCode) return { step: 'ignored', reason: `${call.eventName} failed (${call.errorCode})` };
  const caller = callerOf(call.userIdentity);
  const { mode, orchestratorRoleArn, remediation } = deps.outOfBand;
  if (orchestratorRoleArn && caller === orchestratorRoleArn) {
    return { step: 'ignored', reason: `${call.eventName} was made by the orchestrator` };
  }
  const actionId = outOfBandActionId(call.eventID);
  const endpointName = call.requestParameters?.endpointName;
  const what = `${call.eventName} by ${caller} (CloudTrail ${call.eventID})`;
  if (await deps.actions.hasAction(actionId)) {
    return { step: 'out-of-band', target: endpointName ?? '', finding: 'already-recorded', detail: what };
  }
  if (!endpointName) {
    const config = call.requestParameters?.endpointConfigName ?? 'unnamed';
    const detail = `${what}: endpoint config ${config} serves no endpoint; an endpoint that uses it is re-gated then`;
    await record(deps, actionId, `sagemaker-config:${config}`, 'skipped', detail);
    return { step: 'out-of-band', target: config, finding: 'config-only', detail };
  }

  const target = deploymentTargetName({ kind: 'sagemaker', endpointName });
  const live = await liveDeployments(target, deps.store);
  if (call.eventName === 'DeleteEndpoint' && !live.promoted && live.rolling.length === 0) {
    return { step: 'ignored', reason: `${endpointName} is not governed: no Verdict deployment serves there` };
  }
  const serving = await remediation.describeServing(endpointName);
  const revisions = servedRevisions(call, serving, remediation);
  const allowed = new Set(
    [live.promoted, ...live.rolling].flatMap((d) => (d?.applied ? [d.applied.revision] : [])),
  );
  if (serving && revisions.length > 0 && revisions.every((revision) => allowed.has(revision))) {
    const by = [live.promoted, ...live.rolling].find(
      (d) => d?.applied && revisions.includes(d.applied.revision),
    );
    const detail = `${what}: endpoint still serves deployment ${by?.id}`;
    await record(deps, actionId, target, 'skipped', detail);
    return { step: 'out-of-band', target, finding: 'governed', detail };
  }
  if (!serving && call.eventName !== 'DeleteEndpoint') {
    const detail = `${what}: endpoint ${endpointName} no longer exists`;
    await record(deps, actionId, target, 'skipped', detail);
    return { step: 'out-of-band', target, finding: 'gone', detail };
  }

  const governed = live.promoted !== undefined || live.rolling.length > 0;
  if (!governed) {
    const remedy = `alerted: no Verdict deployment runs on ${endpointName}, so Verdict does not change it`;
    const detail = `${what}: ${serving ? `serves ${describeModels(serving)}` : 'deleted'}, which no live deployment put there; ${remedy}`;
    await alert(deps, { call, caller, target, remedy, serving, actionId });
    await record(deps, actionId, target, 'succeeded', detail);
    return { step: 'out-of-band', target, finding: 'remediated', detail };
  }

  const finding: OutOfBandFinding = {
    call: { eventId: call.eventID, eventName: call.eventName, eventTime: call.eventTime, caller },
    orchestratorRoleArn,
    target,
    live: [...(live.promoted ? [live.promoted] : []), ...live.rolling].reverse(),
    servedArtifacts: serving ? servedArtifacts(serving) : undefined,
    servesLiveDeployment: false,
    remediation: planRemedy(mode, serving, live.promoted),
  };
  const decision = await recordedDecision(finding, deps);
  if (decision.decision === 'allow') {
    const detail = `${what}: allowed by decision ${decision.id}; nothing is changed`;
    await record(deps, actionId, target, 'skipped', detail, decision.id);
    return { step: 'out-of-band', target, finding: 'governed', detail, decisionId: decision.id };
  }
  const remedy = await remedyFor(mode, endpointName, serving, live.promoted, remediation);
  const rules = decision.violations.map((v) => v.rule).join(', ');
  const detail = `${what}: ${serving ? `serves ${describeModels(serving)}` : 'deleted'}, which no live deployment put there; ${remedy}; denied by decision ${decision.id} (${rules})`;
  await alert(deps, { call, caller, target, remedy, serving, actionId, decisionId: decision.id });
  await record(deps, actionId, target, 'succeeded', detail, decision.id);
  return { step: 'out-of-band', target, finding: 'remediated', detail, decisionId: decision.id };
}

/** What the mode will do on a governed endpoint, for the decision to say before it is done. */
function planRemedy(
  mode: OutOfBandMode,
  serving: EndpointServing | undefined,
  promoted: Deployment | undefined,
): OutOfBandFinding['remediation'] {
  if (mode === 'alert') return { mode, action: 'alert' };
  if (mode === 'restore' && promoted?.applied) return { mode, action: 'restore', restores: promoted.id };
  return { mode, action: serving ? 'delete' : 'none' };
}

/** The decision recorded for this CloudTrail record; decided and recorded (ledger first) the first time. */
async function recordedDecision(finding: OutOfBandFinding, deps: OutOfBandDeps): Promise<Decision> {
  const recorded = await deps.decisions.get(outOfBandDecisionId(finding.call.eventId));
  if (recorded) return recorded;
  const subject = outOfBandSubject(finding);
  if (!subject) throw new Error(`no subject for the out-of-band change on ${finding.target}`);
  return (await deps.decisions.record(await decideOutOfBand(finding, subject, deps))).stored;
}

async function alert(
  deps: OutOfBandDeps,
  found: {
    call: CloudTrailSageMakerCall;
    caller: string;
    target: string;
    remedy: string;
    serving: EndpointServing | undefined;
    actionId: string;
    decisionId?: string;
  },
): Promise<void> {
  const published: OutOfBandDeploymentDetail = {
    eventId: found.call.eventID,
    call: found.call.eventName,
    caller: found.caller,
    target: found.target,
    mode: deps.outOfBand.mode,
    remediation: found.remedy,
    serving: found.serving ? servedArtifacts(found.serving) : [],
    actionId: found.actionId,
    ...(found.decisionId && { decisionId: found.decisionId }),
  };
  await deps.events.publish({
    source: VERDICT_SOURCE,
    detailType: OUT_OF_BAND_DEPLOYMENT,
    detail: published,
  });
}

/** The revisions that count: the served and pending ones, and, while it rolls out, the one the call asked for. */
function servedRevisions(
  call: CloudTrailSageMakerCall,
  serving: EndpointServing | undefined,
  remediation: OutOfBandRemediation,
): string[] {
  if (!serving) return [];
  const revisions = [...serving.revisions];
  const requested = call.requestParameters?.endpointConfigName;
  const rollingOut = serving.status !== 'InService';
  if (requested && rollingOut && call.requestParameters?.endpointName) {
    revisions.push(remediation.revisionOf(call.requestParameters.endpointName, requested));
  }
  return [...new Set(revisions)];
}

async function remedyFor(
  mode: OutOfBandMode,
  endpointName: string,
  serving: EndpointServing | undefined,
  promoted: Deployment | undefined,
  remediation: OutOfBandRemediation,
): Promise<string> {
  switch (mode) {
    case 'alert':
      return 'alerted (mode alert)';
    case 'restore': {
      if (promoted?.applied) {
        const status = await remediation.restore(endpointName, promoted.applied.revision);
        return `restored deployment ${promoted.id} (${status})`;
      }
      if (!serving) return 'nothing to restore: no promoted deployment on the endpoint';
      return `deleted: no promoted deployment to restore (${await remediation.remove(endpointName)})`;
    }
    case 'delete':
      if (!serving) return 'already deleted';
      return `deleted (${await remediation.remove(endpointName)})`;
  }
}

async function liveDeployments(
  target: string,
  store: DeploymentStore,
): Promise<{ promoted?: Deployment; rolling: Deployment[] }> {
  // The newest promoted one serves; a replaced one does again when the one that replaced it rolled back.
  const promoted = await newestDeployment(store, { target, statuses: ['promoted', 'replaced'] });
  const rolling: Deployment[] = [];
  for await (const deployment of eachDeployment(store, { target, statuses: ROLLING }))
    rolling.push(deployment);
  return { ...(promoted && { promoted }), rolling };
}

function servedArtifacts(serving: EndpointServing): string[] {
  return serving.models.flatMap((model) =>
    model.modelPackageArn ? [model.modelPackageArn] : [...model.images, ...model.modelDataUrls],
  );
}

function describeModels(serving: EndpointServing): string {
  const artifacts = servedArtifacts(serving);
  return artifacts.length > 0
    ? artifacts.join(', ')
    : `model(s) ${serving.models.map((m) => m.name).join(', ') || 'unknown'}`;
}

async function record(
  deps: OutOfBandDeps,
  id: string,
  target: string,
  outcome: 'succeeded' | 'skipped',
  detail: string,
  decisionId?: string,
): Promise<void> {
  await deps.actions.recordAction({
    id,
    ...(decisionId && { decisionId }),
    kind: 'deployment.out-of-band',
    target,
    outcome,
    at: deps.now().toISOString(),
    detail: detail.slice(0, 500),
  });
}
