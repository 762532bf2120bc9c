/**
 * Monitoring re-gates over the saga fixture: a CloudWatch alarm in ALARM re-evaluates every live deployment
 * naming it, records the monitoring decision (ledger first) and keeps, rolls back or revokes; a redelivered
 * event records nothing new, and a bad event is refused with its exact problems before anything is written.
 */
import { describe, expect, it } from 'vitest';
import type { DeploymentRequestInput } from '../../../functions/contracts/deployment-request.ts';
import { alarmActionId } from '../../../functions/deployments/on-alarm.ts';
import {
  type DeploymentOrchestratorDeps,
  type OrchestratorEvent,
  orchestrate,
} from '../../../functions/deployments/orchestrate.ts';
import { deploymentIdFor } from '../../../functions/deployments/request-deployment.ts';
import { monitoringDecisionId } from '../../../functions/gates/monitoring/monitoring-gate.ts';
import { InvalidInputError } from '../../../functions/shared/validation.ts';
import { ARN, REGISTRY_DECISION_ID } from '../../support/deployment-requests.ts';
import { allowedRequest, type SagaFixture, sagaFixture } from '../../support/deployment-saga.ts';
import { RecordingPublisher } from '../../support/revocation-fixture.ts';

const BAKE_MS = 600_000;
const LATENCY = 'credit-scorer-p99-latency';
const BIAS_DRIFT = 'credit-scorer-bias-drift';
const DATA_DRIFT = 'credit-scorer-data-drift';
const ERRORS = 'credit-scorer-5xx';
const STATE_TIMESTAMP = '2026-11-28T10:20:00.123+0000';

/** The credit scorer (high risk) with one alarm of each kind. */
const watchedRequest: DeploymentRequestInput = {
  ...allowedRequest,
  strategy: { ...allowedRequest.strategy, alarms: [ERRORS, LATENCY, BIAS_DRIFT, DATA_DRIFT] },
};

type Fixture = SagaFixture & { orch: DeploymentOrchestratorDeps; events: RecordingPublisher };

async function fixture(): Promise<Fixture> {
  const f = await sagaFixture();
  const events = new RecordingPublisher();
  return { ...f, events, orch: { ...f.deps, targetEvents: [], events } };
}

function alarmEvent(
  alarmName: string,
  options: { id?: string; value?: string; detail?: unknown } = {},
): OrchestratorEvent {
  return {
    id: options.id ?? 'evt-alarm-1',
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    detail: options.detail ?? {
      alarmName,
      state: { value: options.value ?? 'ALARM', reason: 'Threshold Crossed', timestamp: STATE_TIMESTAMP },
      previousState: { value: 'OK', reason: 'Threshold Crossed', timestamp: '2026-11-28T10:00:00.000+0000' },
      configuration: { metrics: [] },
    },
  };
}

async function baking(f: Fixture, requestId = 'req-a'): Promise<string> {
  await orchestrate(
    {
      source: 'verdict',
      'detail-type': 'Verdict Deployment Requested',
      detail: { requestId, request: watchedRequest },
    },
    f.orch,
  );
  const id = deploymentIdFor(requestId);
  expect((await f.store.get(id))?.status).toBe('baking');
  return id;
}

async function promoted(f: Fixture): Promise<string> {
  const id = await baking(f);
  f.clock.advance(BAKE_MS);
  await orchestrate(
    { source: 'verdict', 'detail-type': 'Verdict Deployment Bake Ended', detail: { deploymentId: id } },
    f.orch,
  );
  expect((await f.store.get(id))?.status).toBe('promoted');
  return id;
}

const statuses = (f: Fixture) =>
  f.events.events
    .filter((e) => e.detailType === 'Verdict Deployment Status Change')
    .map((e) => (e.detail as { status: string }).status);

describe('an alarm on a live deployment', () => {
  it('rolls a baking deployment back, whatever the alarm, and records the monitoring decision first', async () => {
    const f = await fixture();
    const id = await baking(f);
    const decisionId = monitoringDecisionId('evt-alarm-1', id);

    const outcome = await orchestrate(alarmEvent(DATA_DRIFT), f.orch);

    expect(outcome).toEqual({
      step: 'alarm',
      alarm: DATA_DRIFT,
      deployments: [
        {
          id,
          status: 'rolled-back',
          action: 'rollback',
          decisionId,
          reasons: [
            `monitoring.alarm_during_bake: Alarm ${DATA_DRIFT} (data_drift) fired while deployment ${id} was baking. (Find the cause in the alarm's metric (verdict deployments show ID), fix the model or its configuration and request a new deployment.)`,
          ],
        },
      ],
    });
    const decision = await f.deps.decisions.get(decisionId);
    expect(decision).toMatchObject({
      gate: 'monitoring',
      decision: 'deny',
      riskClass: 'high',
      subject: { id: ARN },
      trigger: {
        eventId: 'evt-alarm-1',
        source: 'aws.cloudwatch',
        detailType: 'CloudWatch Alarm State Change',
      },
      policy: { entrypoint: 'verdict/gates/monitoring/decision' },
    });
    expect(decision?.violations.map((v) => v.rule)).toEqual(['monitoring.alarm_during_bake']);
    expect(f.target.count('rollback')).toBe(1);
    expect((await f.entries(id)).at(-1)).toBe(`action/deployment/${id}/rollback`);
    expect((await f.store.get(id))?.history.at(-1)?.detail).toContain(
      `alarm ${DATA_DRIFT} fired during the bake`,
    );
    expect(statuses(f)).toEqual(['baking', 'rolled-back']);
  });

  it('rolls a promoted deployment back on a latency alarm', async () => {
    const f = await fixture();
    const id = await promoted(f);

    const outcome = await orchestrate(alarmEvent(LATENCY), f.orch);

    expect(outcome).toMatchObject({
      step: 'alarm',
      deployments: [{ id, status: 'rolled-back', action: 'rollback' }],
    });
    const deployment = await f.store.get(id);
    expect(deployment?.history.at(-1)).toMatchObject({ step: 'rollback', status: 'rolled-back' });
    expect(deployment?.history.at(-1)?.detail).toContain(
      `alarm ${LATENCY} fired: monitoring.service_degraded: Alarm ${LATENCY} (latency) fired on promoted deployment ${id}.`,
    );
    expect(statuses(f)).toEqual(['baking', 'promoted', 'rolled-back']);
  });

  it('revokes the approval of a promoted high-risk system on bias drift: the version is Rejected, the deployment revoked', async () => {
    const f = await fixture();
    const id = await promoted(f);

    const outcome = await orchestrate(alarmEvent(BIAS_DRIFT), f.orch);

    expect(outcome).toMatchObject({
      step: 'alarm',
      deployments: [{ id, status: 'revoked', action: 'revoke' }],
    });
    expect((await f.registry.describeModelPackage(ARN))?.approvalStatus).toBe('Rejected');
    const revocation = await f.ledger.findAction(`decision/${REGISTRY_DECISION_ID}/revoke`);
    expect(revocation?.detail).toContain(`monitoring decision ${monitoringDecisionId('evt-alarm-1', id)}`);
    expect(revocation?.detail).toContain('monitoring.bias_drift_high_risk');
    expect(f.target.count('revoke')).toBe(1);
    expect((await f.entries(id)).at(-1)).toBe(`action/deployment/${id}/revoke`);
    expect(f.events.events.map((e) => e.detailType)).toContain('Verdict Decision Revoked');
    expect(statuses(f)).toEqual(['baking', 'promoted', 'revoked']);
  });

  it('rolls back instead when the approval it would revoke cannot be revoked, and says why', async () => {
    const f = await fixture();
    const id = await promoted(f);
    const current = await f.store.get(id);
    if (!current?.artifact) throw new Error('expected an approved artifact');
    await f.store.put(
      {
        ...current,
        version: current.version + 1,
        artifact: { ...current.artifact, decisionId: 'dec-missing' },
      },
      current.version,
    );

    const outcome = await orchestrate(alarmEvent(BIAS_DRIFT), f.orch);

    expect(outcome).toMatchObject({ deployments: [{ id, status: 'rolled-back', action: 'rollback' }] });
    const reasons = (outcome as { deployments: { reasons: string[] }[] }).deployments[0]?.reasons;
    expect(reasons?.[0]).toBe(
      'the approval could not be revoked (no decision dec-missing): rolled back instead',
    );
    expect((await f.registry.describeModelPackage(ARN))?.approvalStatus).toBe('Approved');
    expect((await f.store.get(id))?.history.at(-1)?.detail).toContain('rolled back instead');
  });

  it('keeps a promoted deployment on data drift and records why, skipped, for review', async () => {
    const f = await fixture();
    const id = await promoted(f);
    const decisionId = monitoringDecisionId('evt-alarm-1', id);

    const outcome = await orchestrate(alarmEvent(DATA_DRIFT), f.orch);

    expect(outcome).toMatchObject({
      step: 'alarm',
      deployments: [{ id, status: 'promoted', action: 'keep', decisionId }],
    });
    expect((await f.deps.decisions.get(decisionId))?.decision).toBe('review');
    const actionId = alarmActionId(id, {
      name: DATA_DRIFT,
      state: 'ALARM',
      reason: '',
      timestamp: STATE_TIMESTAMP,
    });
    expect(actionId).toBe(`deployment/${id}/alarm-${DATA_DRIFT}-${STATE_TIMESTAMP}`);
    const kept = await f.ledger.findAction(actionId);
    expect(kept).toMatchObject({ decisionId, kind: 'deployment.alarm', outcome: 'skipped' });
    expect(kept?.detail).toContain(`kept: alarm ${DATA_DRIFT}; monitoring.data_drift:`);
    expect(f.target.count('rollback')).toBe(0);
    expect(statuses(f)).toEqual(['baking', 'promoted']);
  });

  it('does nothing for an alarm no live deployment names', async () => {
    const f = await fixture();
    await promoted(f);
    const size = await f.ledger.size();

    expect(await orchestrate(alarmEvent('someone-elses-alarm'), f.orch)).toEqual({
      step: 'alarm',
      alarm: 'someone-elses-alarm',
      deployments: [],
    });
    expect(await f.ledger.size()).toBe(size);
  });

  it('records nothing new when the event is delivered again, kept or rolled back', async () => {
    const f = await fixture();
    const id = await promoted(f);
    const kept = await orchestrate(alarmEvent(DATA_DRIFT), f.orch);
    const size = await f.ledger.size();
    f.clock.advance(1_000);
    expect(await orchestrate(alarmEvent(DATA_DRIFT), f.orch)).toEqual(kept);
    expect(await f.ledger.size()).toBe(size);

    await orchestrate(alarmEvent(ERRORS, { id: 'evt-alarm-2' }), f.orch);
    const rolledBack = await f.ledger.size();
    expect(await orchestrate(alarmEvent(ERRORS, { id: 'evt-alarm-2' }), f.orch)).toEqual({
      step: 'alarm',
      alarm: ERRORS,
      deployments: [],
    });
    expect(await f.ledger.size()).toBe(rolledBack);
    expect(f.target.count('rollback')).toBe(1);
    expect((await f.store.get(id))?.status).toBe('rolled-back');
  });

  it('rolls back when the policy cannot decide, and says so', async () => {
    const f = await fixture();
    const id = await promoted(f);
    f.orch.policyEngine = async () => {
      throw new Error('bundle missing');
    };

    const outcome = await orchestrate(alarmEvent(DATA_DRIFT), f.orch);

    expect(outcome).toMatchObject({
      deployments: [
        {
          id,
          status: 'rolled-back',
          action: 'rollback',
          reasons: [
            expect.stringContaining(
              'gate.policy_unavailable: policy bundle could not be loaded: bundle missing',
            ),
          ],
        },
      ],
    });
    expect((await f.deps.decisions.get(monitoringDecisionId('evt-alarm-1', id)))?.decision).toBe('deny');
  });

  it('ignores an alarm that went back to OK', async () => {
    const f = await fixture();
    await promoted(f);
    expect(await orchestrate(alarmEvent(ERRORS, { value: 'OK' }), f.orch)).toEqual({
      step: 'ignored',
      reason: `alarm ${ERRORS} is OK: nothing to re-evaluate`,
    });
  });

  it('refuses a bad alarm event with its exact problems, and writes nothing', async () => {
    const f = await fixture();
    await promoted(f);
    const size = await f.ledger.size();
    const bad = alarmEvent(ERRORS, { detail: { alarmName: '', state: { value: 'FIRING', reason: 'x' } } });

    const error = await orchestrate(bad, f.orch).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toMatchObject({
      code: 'event.invalid',
      problems: [
        'alarmName: Too small: expected string to have >=1 characters',
        'state.value: Invalid option: expected one of "ALARM"|"OK"|"INSUFFICIENT_DATA"',
        'state.timestamp: Invalid input: expected string, received undefined',
      ],
    });
    const { id: _id, ...withoutId } = alarmEvent(ERRORS);
    await expect(orchestrate(withoutId, f.orch)).rejects.toMatchObject({
      code: 'event.invalid',
      problems: ['id: an alarm event needs its id'],
    });
    expect(await f.ledger.size()).toBe(size);
    expect(f.target.count('rollback')).toBe(0);
  });
});
