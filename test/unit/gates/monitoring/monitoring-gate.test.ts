/**
 * The monitoring gate in TypeScript: the policy input it builds from the deployment and the alarm, the
 * decision it returns in the gates' shape, and how it fails closed (to a rollback) when the bundle cannot be
 * loaded, the evaluation returns another shape, or the policy's action does not match its decision.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../../../functions/contracts/decision.ts';
import type { Deployment } from '../../../../functions/contracts/deployment.ts';
import { deploymentRequestSchema } from '../../../../functions/contracts/deployment-request.ts';
import {
  decideMonitoring,
  monitoringActionOf,
  monitoringDecisionId,
} from '../../../../functions/gates/monitoring/monitoring-gate.ts';
import {
  buildMonitoringInput,
  type FiredAlarm,
} from '../../../../functions/gates/monitoring/monitoring-input.ts';
import { cachedPolicyEngine, policyBundlePath } from '../../../../functions/gates/policy/engine-cache.ts';
import type { PolicyEngine } from '../../../../functions/gates/policy/policy-engine.ts';
import { registryDecision, sagemakerRequest } from '../../../support/deployment-requests.ts';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const alarm = (name: string): FiredAlarm => ({
  name,
  state: 'ALARM',
  reason: 'Threshold Crossed',
  timestamp: '2026-11-28T11:59:00.000+0000',
});

function deployment(status: Deployment['status'], riskClass: Decision['riskClass'] = 'high'): Deployment {
  const request = deploymentRequestSchema.parse(sagemakerRequest);
  return {
    id: 'dep-1',
    version: 3,
    requestId: 'req-1',
    request,
    requestedAt: NOW.toISOString(),
    status,
    decision: registryDecision({ id: 'dec-deployment', gate: 'deployment', riskClass }),
    explanations: [],
    artifact: {
      modelPackageArn: request.modelPackageArn,
      digest: `sha256:${'a'.repeat(64)}`,
      decisionId: 'dec-1',
    },
    plan: null,
    applied: null,
    bakeEndsAt: null,
    pending: null,
    history: [],
    updatedAt: NOW.toISOString(),
  };
}

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await cachedPolicyEngine(policyBundlePath())();
});

const deps = (policyEngine: () => Promise<PolicyEngine> = async () => engine) => ({
  policyEngine,
  now: () => NOW,
});
const fakeEngine = (result: unknown) => async () =>
  ({ bundle: engine.bundle, evaluate: () => result }) as unknown as PolicyEngine;

describe('the monitoring gate', () => {
  it('gives the policy the deployment as recorded and the alarm, nothing else', () => {
    expect(buildMonitoringInput(deployment('promoted'), alarm('credit-scorer-5xx'), NOW)).toEqual({
      gate: 'monitoring',
      now: NOW.toISOString(),
      subject: registryDecision().subject,
      deployment: {
        id: 'dep-1',
        status: 'promoted',
        environment: 'prod',
        riskClass: 'high',
        strategy: deploymentRequestSchema.parse(sagemakerRequest).strategy,
      },
      alarm: alarm('credit-scorer-5xx'),
    });
  });

  it('decides in the gates’ shape, under an id derived from the event and the deployment', async () => {
    const { decision, action } = await decideMonitoring(
      'evt-1',
      deployment('promoted'),
      alarm('x-bias-drift'),
      deps(),
    );
    expect(action).toBe('revoke');
    expect(decision).toMatchObject({
      id: monitoringDecisionId('evt-1', 'dep-1'),
      gate: 'monitoring',
      decision: 'deny',
      riskClass: 'high',
      obligations: [],
      evaluatedAt: NOW.toISOString(),
      trigger: { eventId: 'evt-1', source: 'aws.cloudwatch', detailType: 'CloudWatch Alarm State Change' },
      policy: { entrypoint: 'verdict/gates/monitoring/decision', bundleSha256: engine.bundle.sha256 },
    });
    expect(monitoringActionOf(decision)).toBe('revoke');
    expect(monitoringDecisionId('evt-1', 'dep-1')).not.toBe(monitoringDecisionId('evt-2', 'dep-1'));
  });

  it('rolls back when the bundle cannot be loaded', async () => {
    const failing = async () => {
      throw new Error('no bundle');
    };
    const { decision, action } = await decideMonitoring(
      'evt-1',
      deployment('promoted'),
      alarm('x-data-drift'),
      deps(failing),
    );
    expect(action).toBe('rollback');
    expect(decision.decision).toBe('deny');
    expect(decision.violations.map((v) => [v.rule, v.message])).toEqual([
      ['gate.policy_unavailable', 'policy bundle could not be loaded: no bundle'],
    ]);
    expect(monitoringActionOf(decision)).toBe('rollback');
  });

  it('rolls back when the policy answers in another shape', async () => {
    const { action, decision } = await decideMonitoring(
      'evt-1',
      deployment('promoted'),
      alarm('x-data-drift'),
      deps(fakeEngine({ action: 'keep' })),
    );
    expect(action).toBe('rollback');
    expect(decision.violations[0]?.rule).toBe('gate.policy_error');
  });

  it('rolls back when the policy’s action does not match its decision', async () => {
    const keepButDeny = {
      action: 'keep',
      alarmKind: 'other',
      decision: 'deny',
      riskClass: 'high',
      violations: [],
      obligations: [],
    };
    const { action, decision } = await decideMonitoring(
      'evt-1',
      deployment('promoted'),
      alarm('x'),
      deps(fakeEngine(keepButDeny)),
    );
    expect(action).toBe('rollback');
    expect(decision.decision).toBe('deny');
    expect(decision.violations.map((v) => [v.rule, v.message])).toEqual([
      ['gate.policy_error', "the policy's action keep does not match its decision deny"],
    ]);
  });

  it('reads the action back from a recorded decision: keep unless denied, revoke only on a critical monitoring rule', () => {
    const base = registryDecision({ gate: 'monitoring' });
    const violation = {
      rule: 'monitoring.service_degraded',
      severity: 'high' as const,
      message: '',
      reference: '',
      remediation: '',
    };
    expect(monitoringActionOf({ ...base, decision: 'allow', violations: [] })).toBe('keep');
    expect(
      monitoringActionOf({ ...base, decision: 'review', violations: [{ ...violation, severity: 'medium' }] }),
    ).toBe('keep');
    expect(monitoringActionOf({ ...base, decision: 'deny', violations: [violation] })).toBe('rollback');
    expect(
      monitoringActionOf({ ...base, decision: 'deny', violations: [{ ...violation, severity: 'critical' }] }),
    ).toBe('revoke');
    expect(
      monitoringActionOf({
        ...base,
        decision: 'deny',
        violations: [{ ...violation, severity: 'critical', mode: 'warn' }],
      }),
    ).toBe('rollback');
    expect(
      monitoringActionOf({
        ...base,
        decision: 'deny',
        violations: [{ ...violation, rule: 'gate.policy_error', severity: 'critical' }],
      }),
    ).toBe('rollback');
  });
});
