/**
 * Which saga step an event runs. The route table sends every deployment event here: a request (gate, then
 * apply), a rollback asked for by a person, the end of a bake, a revoked decision, an alarm that fired (the
 * monitoring gate re-evaluates the deployments naming it), an allowed model version (the promotion rules
 * naming its group ask for its deployments), and the targets' own events. One deployment at a time runs on
 * a target (target-claim.ts): a request for a held target stays `requested` and is applied when the one in
 * progress ends. A deployment promoted on a target makes the one promoted there before it `replaced`.
 */

import type { z } from 'zod';
import { CLOUDTRAIL_API_CALL, SAGEMAKER_SOURCE } from '../contracts/cloudtrail-sagemaker-call.ts';
import {
  ALARM_STATE_CHANGE,
  alarmStateChangeDetailSchema,
  CLOUDWATCH_SOURCE,
} from '../contracts/cloudwatch-alarm-state-change.ts';
import { decisionSchema } from '../contracts/decision.ts';
import type { Deployment } from '../contracts/deployment.ts';
import {
  DECISION_REVOKED,
  DEPLOYMENT_BAKE_ENDED,
  DEPLOYMENT_REQUESTED,
  DEPLOYMENT_ROLLBACK_REQUESTED,
  DEPLOYMENT_STATUS_CHANGED,
  decisionRevokedDetailSchema,
  deploymentBakeEndedDetailSchema,
  deploymentRequestedDetailSchema,
  deploymentRollbackRequestedDetailSchema,
  VERDICT_SOURCE,
} from '../contracts/deployment-events.ts';
import { deploymentTargetName } from '../contracts/deployment-request.ts';
import type { DeploymentStatus } from '../contracts/deployment-status.ts';
import { FINAL_DEPLOYMENT_STATUSES } from '../contracts/deployment-status.ts';
import type { PromotionRule } from '../contracts/promotion-rule.ts';
import { DECISION_EVENT } from '../contracts/verdict-decision-event.ts';
import type { ActionLog, RecordedActions } from '../ports/action-log.ts';
import { eachDeployment, newestDeployment } from '../ports/deployment-store.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import { InvalidInputError, parseOrThrow } from '../shared/validation.ts';
import { applyDeployment } from './apply-deployment.ts';
import { endBake } from './end-bake.ts';
import { onAlarm } from './on-alarm.ts';
import { type OutOfBandOutcome, type OutOfBandSettings, onOutOfBandCall } from './out-of-band.ts';
import { type Promotion, promoteVersion } from './promote-version.ts';
import { replacePromoted } from './replace-promoted.ts';
import { deploymentIdFor, requestDeployment } from './request-deployment.ts';
import { revokeDeployments } from './revoke-deployments.ts';
import { rollbackDeployment } from './rollback-deployment.ts';
import type { DeploymentSagaDeps } from './saga-deps.ts';
import { claimTarget, IN_PROGRESS_STATUSES, releaseTarget } from './target-claim.ts';
import type { TargetEventReader } from './target-events.ts';
import { onTargetObservation } from './target-observation.ts';

export { IN_PROGRESS_STATUSES };

export interface DeploymentOrchestratorDeps extends DeploymentSagaDeps {
  targetEvents: readonly TargetEventReader[];
  /** Where every status a deployment reaches is published (`Verdict Deployment Status Change`). */
  events: EventPublisher;
  /** The ledger's actions, read back too: a revocation an alarm asks for is recorded once. */
  actions: ActionLog & RecordedActions;
  /** Where an approval an alarm revokes is withdrawn (the version set to Rejected). */
  registry: ModelRegistry;
  /** How calls to SageMaker by anyone but the orchestrator are remediated; without it they are only ignored. */
  outOfBand?: OutOfBandSettings;
  /** Which allowed model versions are asked to be deployed, and where; none: a decision asks for nothing. */
  promotions?: readonly PromotionRule[];
}

/** The envelope every EventBridge event has; the detail is parsed per detail-type. */
export interface OrchestratorEvent {
  /** The event's id: what a decision taken on an alarm is keyed by, so that a redelivery decides nothing new. */
  id?: string;
  source: string;
  'detail-type': string;
  detail: unknown;
}

/** What an alarm did to one deployment naming it. */
export interface AlarmOutcome {
  id: string;
  status: DeploymentStatus;
  action: 'keep' | 'rollback' | 'revoke';
  decisionId: string;
  reasons: string[];
}

export type OrchestratorOutcome =
  | {
      step: 'request' | 'rollback' | 'end-bake' | 'observation';
      deployment: Pick<Deployment, 'id' | 'status'>;
    }
  | { step: 'revoke'; revoked: string[] }
  | { step: 'promote'; decisionId: string; promotions: Promotion[] }
  | { step: 'alarm'; alarm: string; deployments: AlarmOutcome[] }
  | { step: 'ignored'; reason: string }
  | OutOfBandOutcome;

export async function orchestrate(
  event: OrchestratorEvent,
  deps: DeploymentOrchestratorDeps,
): Promise<OrchestratorOutcome> {
  const type = event['detail-type'];
  if (event.source === VERDICT_SOURCE) {
    switch (type) {
      case DEPLOYMENT_REQUESTED: {
        const { requestId, request, requestedBy } = detail(deploymentRequestedDetailSchema, event);
        // A new deployment's first status (refused, or requested behind a busy target) is published too.
        const before = await deps.store.get(deploymentIdFor(requestId));
        const requested = await requestDeployment(requestId, request, deps, requestedBy);
        const after =
          requested.status === 'requested' ? await applyWhenTargetFree(requested, deps) : requested;
        return stepped('request', before, after, deps);
      }
      case DEPLOYMENT_ROLLBACK_REQUESTED: {
        const { deploymentId } = detail(deploymentRollbackRequestedDetailSchema, event);
        const before = await deps.store.get(deploymentId);
        return stepped('rollback', before, await rollbackDeployment(deploymentId, deps), deps);
      }
      case DEPLOYMENT_BAKE_ENDED: {
        const { deploymentId } = detail(deploymentBakeEndedDetailSchema, event);
        const before = await deps.store.get(deploymentId);
        return stepped('end-bake', before, await endBake(deploymentId, deps), deps);
      }
      case DECISION_REVOKED: {
        const { decisionId } = detail(decisionRevokedDetailSchema, event);
        const revoked = await revokeDeployments(decisionId, deps);
        for (const id of revoked) {
          const deployment = await deps.store.get(id);
          // A revoked deployment frees its target: the next request queued there starts.
          if (deployment) await settle(undefined, deployment, deps);
        }
        return { step: 'revoke', revoked };
      }
      case DECISION_EVENT.detailType: {
        const decision = detail(decisionSchema, event);
        const promotions = await promoteVersion(decision, { ...deps, promotions: deps.promotions ?? [] });
        return { step: 'promote', decisionId: decision.id, promotions };
      }
    }
  }
  if (event.source === CLOUDWATCH_SOURCE && type === ALARM_STATE_CHANGE) return alarmed(event, deps);
  if (event.source === SAGEMAKER_SOURCE && type === CLOUDTRAIL_API_CALL) {
    if (!deps.outOfBand) return { step: 'ignored', reason: 'out-of-band detection is not configured' };
    return onOutOfBandCall(event.detail, { ...deps, outOfBand: deps.outOfBand });
  }
  for (const reader of deps.targetEvents) {
    const target = reader.targetOf(event);
    if (target === undefined) continue;
    const inProgress = await newestOn(target, IN_PROGRESS_STATUSES, deps);
    if (!inProgress?.applied) return { step: 'ignored', reason: `no rollout in progress on ${target}` };
    const observation = reader.observation(event, inProgress.applied);
    if (!observation) return { step: 'ignored', reason: `not about ${inProgress.id}'s rollout on ${target}` };
    return stepped('observation', inProgress, await onTargetObservation(observation, deps), deps);
  }
  return { step: 'ignored', reason: `no step reads ${event.source} ${type}` };
}

async function alarmed(
  event: OrchestratorEvent,
  deps: DeploymentOrchestratorDeps,
): Promise<OrchestratorOutcome> {
  const alarm = detail(alarmStateChangeDetailSchema, event);
  if (!event.id) throw new InvalidInputError('event.invalid', ['id: an alarm event needs its id']);
  if (alarm.state.value !== 'ALARM') {
    return {
      step: 'ignored',
      reason: `alarm ${alarm.alarmName} is ${alarm.state.value}: nothing to re-evaluate`,
    };
  }
  const effects = await onAlarm(event.id, alarm, deps);
  for (const effect of effects) {
    await settle(effect.before, effect.after, deps);
    for (const id of effect.alsoRevoked) {
      const revoked = await deps.store.get(id);
      if (revoked) await settle(undefined, revoked, deps);
    }
  }
  const deployments = effects.map(({ after, action, decisionId, reasons }) => ({
    id: after.id,
    status: after.status,
    action,
    decisionId,
    reasons,
  }));
  return { step: 'alarm', alarm: alarm.alarmName, deployments };
}

/** Applies a requested deployment if it gets its target's claim; otherwise it waits, `requested`. */
async function applyWhenTargetFree(
  deployment: Deployment,
  deps: DeploymentOrchestratorDeps,
): Promise<Deployment> {
  if (!(await claimTarget(deployment, deps))) return deployment;
  return applyDeployment(deployment.id, deps);
}

/** After a step: publish the status it reached, and start the next queued deployment on a target it freed. */
async function stepped(
  step: 'request' | 'rollback' | 'end-bake' | 'observation',
  before: Deployment | undefined,
  after: Deployment,
  deps: DeploymentOrchestratorDeps,
): Promise<OrchestratorOutcome> {
  await settle(before, after, deps);
  return { step, deployment: { id: after.id, status: after.status } };
}

/**
 * Publishes the status a step reached; a promotion replaces the one promoted before it on the target; a final
 * status frees the target and starts the next deployment queued there.
 */
async function settle(
  before: Deployment | undefined,
  after: Deployment,
  deps: DeploymentOrchestratorDeps,
): Promise<void> {
  if (before?.status !== after.status) await announce(after, deps);
  if (after.status === 'promoted') {
    for (const replaced of await replacePromoted(after, deps)) await announce(replaced, deps);
  }
  if (FINAL_DEPLOYMENT_STATUSES.has(after.status) && after.status !== 'refused') {
    await releaseTarget(after, deps);
    await applyNextQueued(after, deps);
  }
}

/**
 * The oldest deployment still `requested` on the freed target is applied (if it gets the claim). The listing
 * may lag: each candidate is read again by key, and one that is no longer requested is passed over.
 */
async function applyNextQueued(freed: Deployment, deps: DeploymentOrchestratorDeps): Promise<void> {
  const target = deploymentTargetName(freed.request.target);
  for await (const listed of eachDeployment(deps.store, { target, statuses: ['requested'] })) {
    const queued = await deps.store.get(listed.id);
    if (queued?.status !== 'requested') continue;
    // A queued deployment that ends at once (its approval lapsed while it waited) frees the target again.
    await settle(queued, await applyWhenTargetFree(queued, deps), deps);
    return;
  }
}

async function announce(deployment: Deployment, deps: DeploymentOrchestratorDeps): Promise<void> {
  await deps.events.publish({
    source: VERDICT_SOURCE,
    detailType: DEPLOYMENT_STATUS_CHANGED,
    detail: {
      deploymentId: deployment.id,
      status: deployment.status,
      modelPackageArn: deployment.request.modelPackageArn,
      target: deploymentTargetName(deployment.request.target),
      environment: deployment.request.environment,
    },
  });
}

function newestOn(
  target: string,
  statuses: readonly DeploymentStatus[],
  deps: DeploymentSagaDeps,
): Promise<Deployment | undefined> {
  return newestDeployment(deps.store, { target, statuses });
}

function detail<T extends z.ZodType>(schema: T, event: OrchestratorEvent): z.output<T> {
  if (event.detail === null || typeof event.detail !== 'object') {
    throw new InvalidInputError('event.invalid', ['detail: expected an object']);
  }
  return parseOrThrow(schema, event.detail, 'event.invalid');
}
