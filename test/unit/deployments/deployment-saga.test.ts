/**
 * The deployment saga through its steps, on the real local ledger and the compiled deployment policy, with a
 * fake target: every path ends in a recorded state, and every step is exactly one ledger entry.
 */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../functions/adapters/local/sqlite-database.ts';
import { SqliteDeploymentStore } from '../../../functions/adapters/local/sqlite-deployment-store.ts';
import { applyDeployment } from '../../../functions/deployments/apply-deployment.ts';
import { endBake } from '../../../functions/deployments/end-bake.ts';
import {
  DeploymentBusyError,
  DeploymentNotLiveError,
  DeploymentRequestConflictError,
} from '../../../functions/deployments/errors.ts';
import { deploymentIdFor, requestDeployment } from '../../../functions/deployments/request-deployment.ts';
import { revokeDeployments } from '../../../functions/deployments/revoke-deployments.ts';
import { rollbackDeployment } from '../../../functions/deployments/rollback-deployment.ts';
import { onTargetObservation } from '../../../functions/deployments/target-observation.ts';
import { InvalidInputError } from '../../../functions/shared/validation.ts';
import { REGISTRY_DECISION_ID, sagemakerRequest } from '../../support/deployment-requests.ts';
import { allowedRequest, sagaFixture } from '../../support/deployment-saga.ts';

const BAKE_MS = 600_000;

function steps(entries: string[], id: string): string[] {
  return entries.map((e) => e.slice(`action/deployment/${id}/`.length));
}

describe('the deployment saga', () => {
  it('gates, applies, bakes and promotes an allowed deployment, one ledger entry per step', async () => {
    const f = await sagaFixture();
    const requested = await requestDeployment('req-1', allowedRequest, f.deps);
    expect(requested).toMatchObject({ status: 'requested', version: 1, explanations: [] });
    expect(requested.decision).toMatchObject({ gate: 'deployment', decision: 'allow' });
    expect(requested.artifact).toEqual({
      modelPackageArn: allowedRequest.modelPackageArn,
      digest: expect.stringMatching(/^sha256:/),
      decisionId: REGISTRY_DECISION_ID,
    });
    const id = requested.id;
    expect(await f.ledger.findDecision(requested.decision.id)).toEqual(requested.decision);

    const baking = await applyDeployment(id, f.deps);
    expect(baking.status).toBe('baking');
    expect(baking.plan?.previousSpec).toEqual({ model: 2 });
    expect(f.scheduled).toEqual([{ deploymentId: id, at: '2026-11-28T10:10:00.000Z' }]);

    // The target's own event that it is baking arrives after apply said so: nothing changes.
    await onTargetObservation(
      {
        deploymentId: id,
        status: 'baking',
        targetStatus: 'Updating',
        observedAt: f.clock.now().toISOString(),
      },
      f.deps,
    );
    f.clock.advance(BAKE_MS);
    const promoted = await endBake(id, f.deps);
    expect(promoted.status).toBe('promoted');
    expect(promoted.pending).toBeNull();
    expect(f.target.workloads.get(id)).toEqual({ serving: 'new', status: 'promoted' });
    expect(steps(await f.entries(id), id)).toEqual(['gate', 'plan', 'apply', 'promote']);
    expect(promoted.history.map((h) => [h.step, h.status])).toEqual([
      ['gate', 'requested'],
      ['plan', 'applying'],
      ['apply', 'baking'],
      ['promote', 'promoted'],
    ]);
    const entry = await f.ledger.findById(`action/deployment/${id}/promote`);
    expect(entry?.entry).toMatchObject({
      type: 'action',
      action: { kind: 'deployment.promote', target: 'sagemaker:credit-scorer-prod', outcome: 'succeeded' },
    });
  });

  it('refuses a denied deployment with its reasons, and never calls the target', async () => {
    const f = await sagaFixture();
    const refused = await requestDeployment('req-deny', sagemakerRequest, f.deps);
    expect(refused.status).toBe('refused');
    expect(refused.decision.decision).toBe('deny');
    expect(refused.artifact).toBeNull();
    expect(refused.explanations.length).toBeGreaterThan(0);
    expect(refused.explanations.join('\n')).toMatch(/capture|logging|Art\. 12/i);
    const again = await applyDeployment(refused.id, f.deps);
    expect(again.status).toBe('refused');
    expect(f.target.calls).toEqual([]);
    expect(steps(await f.entries(refused.id), refused.id)).toEqual(['gate']);
    const gate = await f.ledger.findById(`action/deployment/${refused.id}/gate`);
    expect(gate?.entry).toMatchObject({ action: { outcome: 'skipped', decisionId: refused.decision.id } });
  });

  it('refuses a request that is not a deployment request, writing nothing', async () => {
    const f = await sagaFixture();
    const before = await f.ledger.size();
    const bad = { ...allowedRequest, strategy: { type: 'blue-green' } };
    const error = await requestDeployment('req-bad', bad, f.deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).code).toBe('deployment_request.invalid');
    expect(await f.ledger.size()).toBe(before);
    expect((await f.store.list()).deployments).toEqual([]);
  });

  it('refuses a package the registry and the ledger do not know, recorded, nothing applied', async () => {
    const f = await sagaFixture();
    f.facts.artifactDigest = async () => null;
    const unknown = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/no-such-model/1';
    const refused = await requestDeployment(
      'req-unknown',
      { ...allowedRequest, modelPackageArn: unknown },
      f.deps,
    );
    expect(refused).toMatchObject({ status: 'refused', artifact: null });
    expect(refused.explanations.join('\n')).toMatch(/no model-registry decision/);
    expect(await applyDeployment(refused.id, f.deps)).toMatchObject({ status: 'refused' });
    expect(f.target.calls).toEqual([]);
    expect(steps(await f.entries(refused.id), refused.id)).toEqual(['gate']);
  });

  it('refuses a revoked approval', async () => {
    const f = await sagaFixture();
    f.facts.revoked = '2026-11-28T09:00:00.000Z';
    const refused = await requestDeployment('req-revoked', allowedRequest, f.deps);
    expect(refused.status).toBe('refused');
    expect(refused.explanations.join('\n')).toMatch(/revoked/);
  });

  it('answers a repeated request with the recorded deployment, and refuses another request under its key', async () => {
    const f = await sagaFixture();
    const first = await requestDeployment('req-1', allowedRequest, f.deps);
    const second = await requestDeployment('req-1', allowedRequest, f.deps);
    expect(second).toEqual(first);
    await expect(
      requestDeployment('req-1', { ...allowedRequest, region: 'eu-central-1' }, f.deps),
    ).rejects.toBeInstanceOf(DeploymentRequestConflictError);
    expect(steps(await f.entries(first.id), first.id)).toEqual(['gate']);
  });

  it('rolls back when the target reports an alarm at the end of the bake', async () => {
    const f = await sagaFixture();
    const { id } = await requestDeployment('req-1', allowedRequest, f.deps);
    await applyDeployment(id, f.deps);
    f.clock.advance(BAKE_MS);
    f.target.observed = {
      status: 'rolling-back',
      targetStatus: 'RollingBack',
      reason: 'alarm credit-scorer-5xx',
    };
    const rolling = await endBake(id, f.deps);
    expect(rolling.status).toBe('rolling-back');
    expect(f.target.count('promote')).toBe(0);
    const done = await onTargetObservation(
      {
        deploymentId: id,
        status: 'rolled-back',
        targetStatus: 'InService',
        observedAt: f.clock.now().toISOString(),
      },
      f.deps,
    );
    expect(done.status).toBe('rolled-back');
    expect(steps(await f.entries(id), id)).toEqual(['gate', 'plan', 'apply', 'rolling-back', 'rolled-back']);
  });

  it('rolls back when an alarm wakes the bake end', async () => {
    const f = await sagaFixture();
    const { id } = await requestDeployment('req-1', allowedRequest, f.deps);
    await applyDeployment(id, f.deps);
    const done = await endBake(id, f.deps, { alarm: 'credit-scorer-5xx' });
    expect(done.status).toBe('rolled-back');
    expect(f.target.workloads.get(id)?.serving).toBe('previous');
    expect(done.history.at(-1)?.detail).toMatch(/alarm credit-scorer-5xx/);
    expect(steps(await f.entries(id), id)).toEqual(['gate', 'plan', 'apply', 'rollback']);
  });

  it('rolls back a failed apply at once, recorded as failed', async () => {
    const f = await sagaFixture();
    const { id } = await requestDeployment('req-1', allowedRequest, f.deps);
    f.target.failing.set('apply', 'ResourceLimitExceeded: no ml.m5.xlarge capacity');
    const done = await applyDeployment(id, f.deps);
    expect(done.status).toBe('rolled-back');
    expect(f.target.count('rollback')).toBe(1);
    expect(steps(await f.entries(id), id)).toEqual(['gate', 'plan', 'apply', 'rollback']);
    const apply = await f.ledger.findById(`action/deployment/${id}/apply`);
    expect(apply?.entry).toMatchObject({
      action: { outcome: 'failed', detail: expect.stringMatching(/capacity/) },
    });
    expect(f.scheduled).toEqual([]);
  });

  it('ends failed, recorded, when neither the apply nor the rollback succeeds', async () => {
    const f = await sagaFixture();
    const { id } = await requestDeployment('req-1', allowedRequest, f.deps);
    f.target.failing.set('apply', 'endpoint config rejected');
    f.target.failing.set('rollback', 'endpoint not found');
    const done = await applyDeployment(id, f.deps);
    expect(done.status).toBe('failed');
    const rollback = await f.ledger.findById(`action/deployment/${id}/rollback`);
    expect(rollback?.entry).toMatchObject({
      action: { outcome: 'failed', detail: expect.stringMatching(/not found/) },
    });
  });

  it('ends failed with nothing applied when the target cannot plan', async () => {
    const f = await sagaFixture();
    const { id } = await requestDeployment('req-1', allowedRequest, f.deps);
    f.target.failing.set('plan', 'cluster unreachable');
    const done = await applyDeployment(id, f.deps);
    expect(done.status).toBe('failed');
    expect(f.target.count('apply')).toBe(0);
    expect(steps(await f.entries(id), id)).toEqual(['gate', 'plan']);
  });

  it('does nothing for redelivered steps', async () => {
    const f = await sagaFixture();
    const { id } = await requestDeployment('req-1', allowedRequest, f.deps);
    await applyDeployment(id, f.deps);
    await applyDeployment(id, f.deps);
    f.clock.advance(BAKE_MS);
    const promoted = await endBake(id, f.deps);
    const again = await endBake(id, f.deps);
    await requestDeployment('req-1', allowedRequest, f.deps);
    await onTargetObservation(
      {
        deploymentId: id,
        status: 'promoted',
        targetStatus: 'InService',
        observedAt: f.clock.now().toISOString(),
      },
      f.deps,
    );
    expect(again).toEqual(promoted);
    expect(await f.store.get(id)).toEqual(promoted);
    expect([f.target.count('plan'), f.target.count('apply'), f.target.count('promote')]).toEqual([1, 1, 1]);
    expect(steps(await f.entries(id), id)).toEqual(['gate', 'plan', 'apply', 'promote']);
  });

  it('re-arms a bake end that fires early', async () => {
    const f = await sagaFixture();
    const { id } = await requestDeployment('req-1', allowedRequest, f.deps);
    await applyDeployment(id, f.deps);
    f.clock.advance(BAKE_MS / 2);
    const still = await endBake(id, f.deps);
    expect(still.status).toBe('baking');
    expect(f.scheduled).toHaveLength(2);
    expect(f.target.count('promote')).toBe(0);
  });

  it('lets one of two concurrent steps on a deployment win', async () => {
    const f = await sagaFixture();
    const { id } = await requestDeployment('req-1', allowedRequest, f.deps);
    await applyDeployment(id, f.deps);
    f.clock.advance(BAKE_MS);
    const results = await Promise.allSettled([
      endBake(id, f.deps),
      endBake(id, f.deps),
      rollbackDeployment(id, f.deps),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won.length).toBeGreaterThanOrEqual(1);
    expect(lost.length).toBeGreaterThanOrEqual(1);
    for (const r of lost) expect(r.reason).toBeInstanceOf(DeploymentBusyError);
    const final = await f.store.get(id);
    const entries = steps(await f.entries(id), id);
    expect(entries.filter((s) => s === 'promote' || s === 'rollback')).toHaveLength(1);
    expect(f.target.count('promote') + f.target.count('rollback')).toBe(1);
    expect(final?.pending).toBeNull();
    expect(final?.history.map((h) => h.step)).toEqual(entries);
  });

  it('rolls back a promoted deployment on request, and refuses to roll back a refused one', async () => {
    const f = await sagaFixture();
    const { id } = await requestDeployment('req-1', allowedRequest, f.deps);
    await applyDeployment(id, f.deps);
    f.clock.advance(BAKE_MS);
    await endBake(id, f.deps);
    const rolled = await rollbackDeployment(id, f.deps);
    expect(rolled.status).toBe('rolled-back');
    expect(await rollbackDeployment(id, f.deps)).toEqual(rolled);
    const refused = await requestDeployment('req-deny', sagemakerRequest, f.deps);
    await expect(rollbackDeployment(refused.id, f.deps)).rejects.toBeInstanceOf(DeploymentNotLiveError);
    expect(steps(await f.entries(refused.id), refused.id)).toEqual(['gate']);
  });

  it('revokes every live deployment of a revoked decision, once', async () => {
    const f = await sagaFixture();
    const live = await requestDeployment('req-live', allowedRequest, f.deps);
    await applyDeployment(live.id, f.deps);
    f.clock.advance(BAKE_MS);
    await endBake(live.id, f.deps);
    const waiting = await requestDeployment(
      'req-waiting',
      { ...allowedRequest, target: { kind: 'sagemaker', endpointName: 'credit-scorer-eu' } },
      f.deps,
    );
    const refused = await requestDeployment('req-deny', sagemakerRequest, f.deps);

    const revoked = await revokeDeployments(REGISTRY_DECISION_ID, f.deps);
    expect(revoked.sort()).toEqual([live.id, waiting.id].sort());
    expect((await f.store.get(live.id))?.status).toBe('revoked');
    expect((await f.store.get(waiting.id))?.status).toBe('revoked');
    expect((await f.store.get(refused.id))?.status).toBe('refused');
    expect(f.target.count('revoke')).toBe(1);
    expect(f.target.workloads.get(live.id)?.serving).toBe('none');
    expect(await revokeDeployments(REGISTRY_DECISION_ID, f.deps)).toEqual([]);
    expect(steps(await f.entries(live.id), live.id)).toEqual(['gate', 'plan', 'apply', 'promote', 'revoke']);
    expect(steps(await f.entries(waiting.id), waiting.id)).toEqual(['gate', 'revoke']);
    await expect(applyDeployment(waiting.id, f.deps)).resolves.toMatchObject({ status: 'revoked' });
    expect(f.target.count('apply')).toBe(1);
  });

  it('starts the bake clock from the target event when apply answered before baking began', async () => {
    const f = await sagaFixture();
    f.target.applyStatus = 'applying';
    const { id } = await requestDeployment('req-1', allowedRequest, f.deps);
    const applying = await applyDeployment(id, f.deps);
    expect(applying).toMatchObject({ status: 'applying', bakeEndsAt: null });
    expect(f.scheduled).toEqual([]);
    f.clock.advance(120_000);
    const observedAt = f.clock.now().toISOString();
    const event = { deploymentId: id, status: 'baking' as const, targetStatus: 'Updating', observedAt };
    const baking = await onTargetObservation(event, f.deps);
    expect(baking).toMatchObject({ status: 'baking', bakeEndsAt: '2026-11-28T10:12:00.000Z' });
    expect(f.scheduled).toEqual([{ deploymentId: id, at: '2026-11-28T10:12:00.000Z' }]);
    // The same event again (EventBridge delivers at least once): no entry, the timer re-armed, same time.
    await onTargetObservation(event, f.deps);
    expect(f.scheduled).toHaveLength(2);
    expect(f.scheduled[1]).toEqual(f.scheduled[0]);
    expect(steps(await f.entries(id), id)).toEqual(['gate', 'plan', 'apply', 'baking']);
  });

  it('re-arms the bake timer when a redelivered event finds the deployment baking but the timer failed', async () => {
    const f = await sagaFixture();
    f.target.applyStatus = 'applying';
    const { id } = await requestDeployment('req-1', allowedRequest, f.deps);
    await applyDeployment(id, f.deps);
    const schedule = f.deps.bakeTimer.scheduleBakeEnd;
    f.deps.bakeTimer.scheduleBakeEnd = async () => {
      throw new Error('Scheduler unavailable');
    };
    const event = {
      deploymentId: id,
      status: 'baking' as const,
      targetStatus: 'Updating',
      observedAt: f.clock.now().toISOString(),
    };
    await expect(onTargetObservation(event, f.deps)).rejects.toThrow(/Scheduler unavailable/);
    expect(f.scheduled).toEqual([]);
    f.deps.bakeTimer.scheduleBakeEnd = schedule;
    await onTargetObservation(event, f.deps);
    expect(f.scheduled).toEqual([{ deploymentId: id, at: '2026-11-28T10:10:00.000Z' }]);
  });

  it('runs the same rollout over the SQLite store', async () => {
    const f = await sagaFixture({ store: () => new SqliteDeploymentStore(openDatabase(':memory:')) });
    const { id } = await requestDeployment('req-1', allowedRequest, f.deps);
    await applyDeployment(id, f.deps);
    f.clock.advance(BAKE_MS);
    expect((await endBake(id, f.deps)).status).toBe('promoted');
    expect((await f.deps.store.get(id))?.history.map((h) => h.step)).toEqual([
      'gate',
      'plan',
      'apply',
      'promote',
    ]);
    expect(await f.store.get(id)).toBeUndefined();
  });

  it('derives the deployment id from the idempotency key', () => {
    expect(deploymentIdFor('req-1')).toBe(deploymentIdFor('req-1'));
    expect(deploymentIdFor('req-1')).not.toBe(deploymentIdFor('req-2'));
  });
});
