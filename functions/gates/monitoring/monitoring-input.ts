/**
 * The monitoring gate's policy input (policies/gates/monitoring.rego): the live deployment as its record
 * holds it (status, environment, the risk class its deployment decision recorded, its strategy) and the alarm
 * that fired. Plain data in, plain data out.
 */
import type { Deployment } from '../../contracts/deployment.ts';

/** The alarm that fired, as its state change event says. */
export interface FiredAlarm {
  name: string;
  state: string;
  reason: string;
  /** CloudWatch's own timestamp of the state change, as it wrote it. */
  timestamp: string;
}

export function buildMonitoringInput(deployment: Deployment, alarm: FiredAlarm, now: Date) {
  return {
    gate: 'monitoring',
    now: now.toISOString(),
    subject: deployment.decision.subject,
    deployment: {
      id: deployment.id,
      status: deployment.status,
      environment: deployment.request.environment,
      riskClass: deployment.decision.riskClass,
      strategy: deployment.request.strategy,
    },
    alarm,
  };
}
