/**
 * Out-of-band changes: someone other than the orchestrator created, updated or deleted an endpoint (CloudTrail's
 * record of the call, on the default bus). The endpoint is re-gated on what it serves now: when every config it
 * serves (or is rolling out) is the one of the live Verdict deployment on that target, nothing is done but the
 * record. Otherwise it serves something no gate allowed there: `Verdict Out-Of-Band Deployment` is published
 * and, on an endpoint a Verdict deployment runs on, the mode decides: `alert` does nothing more; `restore` puts
 * back the last promoted deployment's config (deletes the endpoint when there is none); `delete` deletes it. An
 * endpoint Verdict never deployed to is only alerted on: the orchestrator may change governed endpoints only. Every outcome is one ledger action,
 * `out-of-band/<id of the CloudTrail event>`: a redelivered event finds it and does nothing again.
 */

import {
  type CloudTrailSageMakerCall,
  callerOf,
  cloudTrailSageMakerCallSchema,
} from '../contracts/cloudtrail-sagemaker-call.ts';
import type { Deployment } from '../contracts/deployment.ts';
import {
  OUT_OF_BAND_DEPLOYMENT,
  type OutOfBandDeploymentDetail,
  type OutOfBandMode,
  VERDICT_SOURCE,
} from '../contracts/deployment-events.ts';
import { deploymentTargetName } from '../contracts/deployment-request.ts';
import type { DeploymentStatus } from '../contracts/deployment-status.ts';
import type { ActionLog } from '../ports/action-log.ts';
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

export interface OutOfBandDeps {
  store: DeploymentStore;
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
  const remedy = governed
    ? await remedyFor(mode, endpointName, serving, live.promoted, remediation)
    : `alerted: no Verdict deployment runs on ${endpointName}, so Verdict does not change it`;
  const detail = `${what}: ${serving ? `serves ${describeModels(serving)}` : 'deleted'}, which no live deployment put there; ${remedy}`;
  const published: OutOfBandDeploymentDetail = {
    eventId: call.eventID,
    call: call.eventName,
    caller,
    target,
    mode,
    remediation: remedy,
    serving: serving ? servedArtifacts(serving) : [],
    actionId,
  };
  await deps.events.publish({
    source: VERDICT_SOURCE,
    detailType: OUT_OF_BAND_DEPLOYMENT,
    detail: published,
  });
  await record(deps, actionId, target, 'succeeded', detail);
  return { step: 'out-of-band', target, finding: 'remediated', detail };
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
  const promoted = await newestDeployment(store, { target, statuses: ['promoted'] });
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
): Promise<void> {
  await deps.actions.recordAction({
    id,
    kind: 'deployment.out-of-band',
    target,
    outcome,
    at: deps.now().toISOString(),
    detail: detail.slice(0, 500),
  });
}
