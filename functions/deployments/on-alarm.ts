/**
 * A CloudWatch alarm went into ALARM: every live deployment (baking or promoted) that names it in
 * `request.strategy.alarms` is re-evaluated by the monitoring gate. Its decision is recorded (ledger first, by
 * the decision store) under an id derived from the event id and the deployment, then acted on:
 *
 * - rollback: a baking deployment's bake ends with the alarm (rolled back); a promoted one is rolled back;
 * - revoke: the approval the deployment runs on is revoked (the registry version is Rejected) and every live
 *   deployment of its artifact is taken out of service;
 * - keep: the ledger records `deployment/<id>/alarm-<alarm>-<state timestamp>`, skipped, with the reasons.
 *
 * A redelivered event finds its decisions recorded and acts on them again, which records nothing new: a
 * deployment rolled back or revoked is no longer live, and a kept one's action has the same id. A decision
 * that cannot be made rolls back (fail closed), and says so in its violations.
 */
import type { AlarmStateChangeDetail } from '../contracts/cloudwatch-alarm-state-change.ts';
import type { Decision } from '../contracts/decision.ts';
import type { Deployment } from '../contracts/deployment.ts';
import type { DeploymentStatus } from '../contracts/deployment-status.ts';
import {
  decideMonitoring,
  type MonitoringAction,
  monitoringActionOf,
  monitoringDecisionId,
} from '../gates/monitoring/monitoring-gate.ts';
import type { FiredAlarm } from '../gates/monitoring/monitoring-input.ts';
import {
  DecisionNotRevocableError,
  type RevokeDecisionDeps,
  revokeDecision,
} from '../gates/revocation/revoke-decision.ts';
import { eachDeployment } from '../ports/deployment-store.ts';
import { endBake } from './end-bake.ts';
import { DeploymentNotFoundError } from './errors.ts';
import { explainDecision } from './request-deployment.ts';
import { revokeDeployments } from './revoke-deployments.ts';
import { rollbackStep } from './rollback-step.ts';
import { type DeploymentSagaDeps, targetName } from './saga-deps.ts';

/**
 * The statuses in which a deployment may serve and its alarms are watched: a `replaced` one serves again
 * when the deployment that replaced it was rolled back.
 */
export const WATCHED_STATUSES: readonly DeploymentStatus[] = ['baking', 'promoted', 'replaced'];

export const ALARM_ACTION_KIND = 'deployment.alarm';

export type AlarmDeps = DeploymentSagaDeps & Omit<RevokeDecisionDeps, 'decisions' | 'now'>;

/** What the alarm did to one deployment. */
export interface AlarmEffect {
  before: Deployment;
  after: Deployment;
  decisionId: string;
  action: MonitoringAction;
  /** Why, one line per deciding violation; what the keep action and the rollback record. */
  reasons: string[];
  /** Other deployments of the same artifact a revocation took out of service. */
  alsoRevoked: string[];
}

export function alarmActionId(deploymentId: string, alarm: FiredAlarm): string {
  return `deployment/${deploymentId}/alarm-${alarm.name}-${alarm.timestamp}`;
}

export async function onAlarm(
  eventId: string,
  detail: AlarmStateChangeDetail,
  deps: AlarmDeps,
): Promise<AlarmEffect[]> {
  const alarm: FiredAlarm = {
    name: detail.alarmName,
    state: detail.state.value,
    reason: detail.state.reason,
    timestamp: detail.state.timestamp,
  };
  // All of them first: acting moves deployments out of the statuses the pages are filtered by.
  const watching = await deploymentsWatching(alarm.name, deps);
  const effects: AlarmEffect[] = [];
  for (const deployment of watching) effects.push(await regate(eventId, deployment, alarm, deps));
  return effects;
}

/**
 * The deployments that serve now and name the alarm: on each target only the newest baking, promoted or
 * replaced one serves; an older one was replaced by it and is history, never rolled back by an alarm.
 */
async function deploymentsWatching(alarmName: string, deps: DeploymentSagaDeps): Promise<Deployment[]> {
  const serving = new Map<string, Deployment>();
  // Oldest first: a later deployment on the same target replaces the one before it.
  for await (const d of eachDeployment(deps.store, { statuses: WATCHED_STATUSES })) {
    serving.set(targetName(d.request), d);
  }
  return [...serving.values()].filter((d) => d.request.strategy.alarms.includes(alarmName));
}

async function regate(
  eventId: string,
  deployment: Deployment,
  alarm: FiredAlarm,
  deps: AlarmDeps,
): Promise<AlarmEffect> {
  const decision = await recordedDecision(eventId, deployment, alarm, deps);
  const reasons = explainDecision(decision);
  const effect = { before: deployment, decisionId: decision.id, reasons, alsoRevoked: [] };
  const action = monitoringActionOf(decision);
  if (action === 'keep') {
    await deps.actions.recordAction({
      id: alarmActionId(deployment.id, alarm),
      decisionId: decision.id,
      kind: ALARM_ACTION_KIND,
      target: targetName(deployment.request),
      outcome: 'skipped',
      at: deps.now().toISOString(),
      detail: `kept: alarm ${alarm.name}; ${reasons.join('; ')}`.slice(0, 500),
    });
    return { ...effect, action, after: deployment };
  }
  if (action === 'revoke') {
    const revoked = await revokeApproval(deployment, decision, alarm, reasons, deps);
    if (!('refused' in revoked)) return { ...effect, action, ...revoked };
    reasons.unshift(`the approval could not be revoked (${revoked.refused}): rolled back instead`);
  }
  return { ...effect, action: 'rollback', after: await rollBack(deployment, alarm, reasons, deps) };
}

/** The decision recorded for this event and deployment; decided and recorded (ledger first) the first time. */
async function recordedDecision(
  eventId: string,
  deployment: Deployment,
  alarm: FiredAlarm,
  deps: AlarmDeps,
): Promise<Decision> {
  const recorded = await deps.decisions.get(monitoringDecisionId(eventId, deployment.id));
  if (recorded) return recorded;
  // A replaced deployment re-gated here serves again (the one that replaced it rolled back): as promoted.
  const serving: Deployment =
    deployment.status === 'replaced' ? { ...deployment, status: 'promoted' } : deployment;
  const { decision } = await decideMonitoring(eventId, serving, alarm, deps);
  return (await deps.decisions.record(decision)).stored;
}

async function rollBack(
  deployment: Deployment,
  alarm: FiredAlarm,
  reasons: readonly string[],
  deps: AlarmDeps,
): Promise<Deployment> {
  if (deployment.status === 'baking') return endBake(deployment.id, deps, { alarm: alarm.name });
  const reason = `alarm ${alarm.name} fired: ${reasons.join('; ')}`;
  return (await rollbackStep(deps, deployment.id, reason, ['promoted', 'replaced'])).deployment;
}

/**
 * Revokes the approval the deployment runs on and takes its artifact's live deployments out of service at
 * once (the `Verdict Decision Revoked` event it publishes finds nothing left). When the approval cannot be
 * revoked (none recorded, not an allow), says why: the caller rolls back instead.
 */
async function revokeApproval(
  deployment: Deployment,
  decision: Decision,
  alarm: FiredAlarm,
  reasons: readonly string[],
  deps: AlarmDeps,
): Promise<Pick<AlarmEffect, 'after' | 'alsoRevoked'> | { refused: string }> {
  const approvalId = deployment.artifact?.decisionId;
  if (!approvalId) return { refused: 'the deployment records no approved artifact' };
  const reason = `monitoring decision ${decision.id}: alarm ${alarm.name}: ${reasons.join('; ')}`;
  try {
    await revokeDecision(approvalId, reason.slice(0, 500), deps);
  } catch (error) {
    if (error instanceof DecisionNotRevocableError) return { refused: error.message };
    throw error;
  }
  const revoked = await revokeDeployments(approvalId, deps);
  const after = await deps.store.get(deployment.id);
  if (!after) throw new DeploymentNotFoundError(deployment.id);
  return { after, alsoRevoked: revoked.filter((id) => id !== deployment.id) };
}
