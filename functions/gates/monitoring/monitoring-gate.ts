/**
 * The monitoring gate: a live deployment re-evaluated when an alarm it names fires. The `monitoring` policy
 * decides keep, roll back or revoke; the decision is returned in the registry gate's shape, for the
 * orchestration to record (ledger first) and act on. It fails closed: a bundle that cannot be loaded or
 * trusted, an evaluation that fails, or an action that does not match the decision, rolls back.
 */
import { z } from 'zod';
import { ALARM_STATE_CHANGE, CLOUDWATCH_SOURCE } from '../../contracts/cloudwatch-alarm-state-change.ts';
import { type Decision, decidesOutcome, policyResultSchema } from '../../contracts/decision.ts';
import type { Deployment } from '../../contracts/deployment.ts';
import { deterministicId } from '../../shared/hashing.ts';
import { cannotDecide } from '../fail-closed.ts';
import { GATE_ENTRYPOINTS } from '../policy/entrypoints.ts';
import { evaluateGate } from '../policy/evaluate-gate.ts';
import type { PolicyEngine } from '../policy/policy-engine.ts';
import { buildMonitoringInput, type FiredAlarm } from './monitoring-input.ts';

export const MONITORING_GATE = 'monitoring';

export const monitoringActionSchema = z.enum(['keep', 'rollback', 'revoke']);
export type MonitoringAction = z.infer<typeof monitoringActionSchema>;

const monitoringResultSchema = policyResultSchema.extend({
  action: monitoringActionSchema,
  alarmKind: z.string(),
});

export interface MonitoringGateDeps {
  policyEngine: () => Promise<PolicyEngine>;
  now: () => Date;
}

export interface MonitoringOutcome {
  decision: Decision;
  action: MonitoringAction;
}

/** One decision per (alarm event, deployment): a redelivered event finds it recorded. */
export function monitoringDecisionId(eventId: string, deploymentId: string): string {
  return deterministicId(MONITORING_GATE, `${eventId}/${deploymentId}`);
}

/**
 * What a recorded monitoring decision asks for: keep when it allows or asks for a review; revoke when it
 * denies on a critical monitoring rule (the policy data gives the revoking rules, and only those, critical);
 * roll back on any other deny, the gate's own fail-closed violations included.
 */
export function monitoringActionOf(decision: Decision): MonitoringAction {
  if (decision.decision !== 'deny') return 'keep';
  const revokes = decision.violations.some(
    (v) => decidesOutcome(v) && v.severity === 'critical' && v.rule.startsWith(`${MONITORING_GATE}.`),
  );
  return revokes ? 'revoke' : 'rollback';
}

export async function decideMonitoring(
  eventId: string,
  deployment: Deployment,
  alarm: FiredAlarm,
  deps: MonitoringGateDeps,
): Promise<MonitoringOutcome> {
  const entrypoint = GATE_ENTRYPOINTS.monitoring;
  const evaluatedAt = deps.now();
  const { subject } = deployment.decision;
  const base = {
    id: monitoringDecisionId(eventId, deployment.id),
    gate: MONITORING_GATE,
    subject,
    evaluatedAt: evaluatedAt.toISOString(),
    trigger: { eventId, source: CLOUDWATCH_SOURCE, detailType: ALARM_STATE_CHANGE },
    obligations: [],
  };
  const evaluation = await evaluateGate(
    {
      entrypoint,
      subject,
      input: buildMonitoringInput(deployment, alarm, evaluatedAt),
      schema: monitoringResultSchema,
    },
    deps.policyEngine,
  );
  const { policy, inputSha256 } = evaluation;
  const rollBack = (violation: Decision['violations'][number], violations: Decision['violations'] = []) => ({
    decision: {
      ...base,
      decision: 'deny' as const,
      riskClass: deployment.decision.riskClass,
      violations: [violation, ...violations],
      policy,
      inputSha256,
    },
    action: 'rollback' as const,
  });
  if (!evaluation.ok) return rollBack(evaluation.violation);
  const { result } = evaluation;
  const decision: Decision = {
    ...base,
    decision: result.decision,
    riskClass: result.riskClass ?? 'unknown',
    violations: result.violations,
    policy,
    inputSha256,
  };
  if (monitoringActionOf(decision) !== result.action) {
    const violation = cannotDecide(
      'gate.policy_error',
      `the policy's action ${result.action} does not match its decision ${result.decision}`,
    );
    return rollBack(violation, result.violations);
  }
  return { decision, action: result.action };
}
