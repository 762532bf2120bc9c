/**
 * Deployments on the local backbone, as the API and the CLI ask for them: the request or rollback goes on the
 * bus as its event (the orchestrator runs it through the route table, as EventBridge would invoke it), and a
 * caller that waits sleeps until the next bake ends, then fires it, as EventBridge Scheduler would.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OutOfBandChange } from '../adapters/local/embedded-sagemaker-endpoints.ts';
import {
  ALARM_STATE_CHANGE,
  type AlarmStateChangeEvent,
  alarmStateChangeEventSchema,
  CLOUDWATCH_SOURCE,
} from '../contracts/cloudwatch-alarm-state-change.ts';
import type { Deployment } from '../contracts/deployment.ts';
import {
  DEPLOYMENT_REQUESTED,
  DEPLOYMENT_ROLLBACK_REQUESTED,
  VERDICT_SOURCE,
} from '../contracts/deployment-events.ts';
import type { DeploymentRequest } from '../contracts/deployment-request.ts';
import { FINAL_DEPLOYMENT_STATUSES } from '../contracts/deployment-status.ts';
import { DeploymentNotFoundError, DeploymentNotLiveError } from '../deployments/errors.ts';
import type { AlarmOutcome, OrchestratorOutcome } from '../deployments/orchestrate.ts';
import { deploymentIdFor, sameRequest } from '../deployments/request-deployment.ts';
import { sealRequester } from '../deployments/requested-by.ts';
import { replacedBy } from '../deployments/rollback-deployment.ts';
import { revokeDecision } from '../gates/revocation/revoke-decision.ts';
import type { LocalRuntime } from './runtime.ts';

/** The orchestrator could not run the step: its event is kept as a dead letter (`verdict dlq list`). */
export class DeploymentStepFailedError extends Error {
  override readonly name = 'DeploymentStepFailedError';
}

export async function requestLocalDeployment(
  runtime: LocalRuntime,
  requestId: string,
  request: DeploymentRequest,
  /** Who asks (the local operator): sealed here when it may name a person, before it is put on the bus. */
  operator?: string,
): Promise<Deployment> {
  await runtime.fireDueBakes();
  const id = deploymentIdFor(requestId);
  // A key asked for already is answered here, as the API does: a conflict is the caller's, not a dead letter.
  const existing = await runtime.deployments.get(id);
  if (existing) return sameRequest(existing, request);
  const requestedBy = operator === undefined ? undefined : await sealRequester(operator, runtime.personal);
  await deliver(runtime, DEPLOYMENT_REQUESTED, { requestId, request, ...(requestedBy && { requestedBy }) });
  const deployment = await runtime.deployments.get(id);
  if (!deployment) throw new DeploymentStepFailedError(`deployment ${id} was not recorded`);
  return deployment;
}

export async function rollbackLocalDeployment(runtime: LocalRuntime, id: string): Promise<Deployment> {
  await runtime.fireDueBakes();
  const found = await runtime.deployments.get(id);
  if (!found) throw new DeploymentNotFoundError(id);
  const newer = await replacedBy(found, { store: runtime.deployments });
  if (newer) throw new DeploymentNotLiveError(id, `replaced by ${newer.id}`);
  await deliver(runtime, DEPLOYMENT_ROLLBACK_REQUESTED, { deploymentId: id });
  return (await runtime.deployments.get(id)) as Deployment;
}

/** Revokes a model-registry approval: recorded, withdrawn in the registry, and its deployments taken down. */
export async function revokeLocalDecision(runtime: LocalRuntime, decisionId: string, reason: string) {
  return revokeDecision(decisionId, reason, {
    decisions: runtime.decisions,
    actions: runtime.audit,
    events: { publish: (event) => runtime.bus.publish(event) },
    registry: runtime.registry,
    now: () => new Date(),
  });
}

/**
 * An alarm goes into ALARM, as CloudWatch would report it: its `CloudWatch Alarm State Change` event goes on
 * the bus (from `aws.cloudwatch`, which only AWS may put on a real bus), and the orchestrator re-gates the
 * live deployments that name it. Returns what happened to each of them.
 */
export async function raiseLocalAlarm(
  runtime: LocalRuntime,
  alarmName: string,
  reason: string,
  now: Date = new Date(),
): Promise<AlarmOutcome[]> {
  await runtime.fireDueBakes();
  const event = alarmStateChange(runtime, alarmName, reason, now);
  const deliveries = await runtime.bus.dispatch(event);
  const delivery = deliveries.find((d) => d.target === 'deployment-orchestrator');
  if (!delivery) throw new DeploymentStepFailedError(`no route delivers ${ALARM_STATE_CHANGE}`);
  if (!delivery.ok) throw new DeploymentStepFailedError(delivery.error);
  const outcome = delivery.result as OrchestratorOutcome | { status: 'rejected'; code: string };
  if ('status' in outcome) {
    throw new DeploymentStepFailedError(`the orchestrator rejected the event: ${outcome.code}`);
  }
  return outcome.step === 'alarm' ? outcome.deployments : [];
}

/** The event CloudWatch sends, with its timestamps written as CloudWatch writes them (`+0000`). */
function alarmStateChange(
  runtime: LocalRuntime,
  alarmName: string,
  reason: string,
  now: Date,
): AlarmStateChangeEvent {
  const { region, account } = runtime.registry;
  const timestamp = now.toISOString().replace('Z', '+0000');
  return alarmStateChangeEventSchema.parse({
    version: '0',
    id: randomUUID(),
    'detail-type': ALARM_STATE_CHANGE,
    source: CLOUDWATCH_SOURCE,
    account,
    time: `${now.toISOString().slice(0, 19)}Z`,
    region,
    resources: [`arn:aws:cloudwatch:${region}:${account}:alarm:${alarmName}`],
    detail: {
      alarmName,
      state: { value: 'ALARM', reason, timestamp },
      previousState: { value: 'OK', reason: 'the alarm was not raised', timestamp },
      configuration: { description: 'raised with verdict deployments alarm', metrics: [] },
    },
  });
}

/**
 * Waits while the deployment bakes: sleeps until the next bake ends and fires it, until the deployment
 * reaches a final status or nothing more is scheduled. `onWait` is told when each wait starts.
 */
export async function waitForDeployment(
  runtime: LocalRuntime,
  id: string,
  onWait: (until: Date, deployment: Deployment) => void = () => {},
): Promise<Deployment> {
  for (;;) {
    await runtime.fireDueBakes();
    const deployment = await runtime.deployments.get(id);
    if (!deployment) throw new DeploymentNotFoundError(id);
    if (FINAL_DEPLOYMENT_STATUSES.has(deployment.status)) return deployment;
    const next = runtime.nextBakeEnd();
    if (!next) return deployment;
    onWait(next, deployment);
    await sleep(Math.max(0, next.getTime() - Date.now()) + 5);
  }
}

async function deliver(runtime: LocalRuntime, detailType: string, detail: unknown): Promise<void> {
  const { response, deliveries } = await runtime.bus.accept({
    Entries: [{ Source: VERDICT_SOURCE, DetailType: detailType, Detail: JSON.stringify(detail) }],
  });
  if (response.FailedEntryCount)
    throw new DeploymentStepFailedError(`PutEvents failed: ${JSON.stringify(response.Entries)}`);
  const failed = deliveries.find((d) => !d.ok);
  if (failed && !failed.ok) throw new DeploymentStepFailedError(failed.error);
  const rejected = deliveries.find((d) => d.ok && (d.result as { status?: string })?.status === 'rejected');
  if (rejected?.ok) {
    throw new DeploymentStepFailedError(
      `the orchestrator rejected the event: ${(rejected.result as { code: string }).code}`,
    );
  }
}

/**
 * Changes an embedded endpoint as a person with SageMaker rights would, outside the orchestration, and delivers
 * CloudTrail's records of the calls as EventBridge does: the orchestrator detects the change and remediates it
 * per the runtime's out-of-band mode. Returns what each record led to.
 */
export async function changeEndpointOutOfBand(
  runtime: LocalRuntime,
  change: OutOfBandChange,
): Promise<{ endpointConfigName: string; outcomes: OrchestratorOutcome[] }> {
  const { endpointConfigName } = runtime.endpoints.changeOutOfBand(change);
  return { endpointConfigName, outcomes: await deliverCloudTrailRecords(runtime) };
}

/** Deletes an embedded endpoint outside the orchestration; CloudTrail's record of the call is delivered. */
export async function deleteEndpointOutOfBand(
  runtime: LocalRuntime,
  endpointName: string,
): Promise<OrchestratorOutcome[]> {
  runtime.endpoints.deleteOutOfBand(endpointName);
  return deliverCloudTrailRecords(runtime);
}

async function deliverCloudTrailRecords(runtime: LocalRuntime): Promise<OrchestratorOutcome[]> {
  const outcomes: OrchestratorOutcome[] = [];
  for (const event of runtime.endpoints.takeEvents()) {
    const { deliveries } = await runtime.bus.accept({
      Entries: [{ Source: event.source, DetailType: event.detailType, Detail: JSON.stringify(event.detail) }],
    });
    for (const delivery of deliveries) {
      if (!delivery.ok) throw new DeploymentStepFailedError(delivery.error);
      if (delivery.target === 'deployment-orchestrator')
        outcomes.push(delivery.result as OrchestratorOutcome);
    }
  }
  return outcomes;
}
