/**
 * A bake's end when the target has not finished its own rollout (promote answers `baking`): the deployment
 * stays baking and the timer is re-armed; and when the target rolled back instead of promoting.
 */
import { describe, expect, it } from 'vitest';
import type { DeploymentStatus } from '../../../functions/contracts/deployment-status.ts';
import { applyDeployment } from '../../../functions/deployments/apply-deployment.ts';
import { endBake, PROMOTION_RECHECK_MS } from '../../../functions/deployments/end-bake.ts';
import { requestDeployment } from '../../../functions/deployments/request-deployment.ts';
import { allowedRequest, type SagaFixture, sagaFixture } from '../../support/deployment-saga.ts';

const BAKE_MS = 600_000;

/** A baking deployment whose bake has just ended, with the target's promote answering `answers` in turn. */
async function bakedWithPromote(
  answers: DeploymentStatus[],
): Promise<SagaFixture & { id: string; promotes: () => number }> {
  const f = await sagaFixture();
  const { id } = await requestDeployment('req-1', allowedRequest, f.deps);
  expect((await applyDeployment(id, f.deps)).status).toBe('baking');
  let calls = 0;
  f.target.promote = async (applied) => {
    const status = answers[Math.min(calls, answers.length - 1)] as DeploymentStatus;
    calls++;
    return {
      deploymentId: applied.deploymentId,
      status,
      targetStatus: status === 'baking' ? 'Updating' : 'InService',
      ...(status === 'rolled-back' && { reason: 'alarm credit-scorer-5xx' }),
      observedAt: f.clock.now().toISOString(),
    };
  };
  f.clock.advance(BAKE_MS);
  return { ...f, id, promotes: () => calls };
}

describe('endBake', () => {
  it('keeps a deployment baking and asks again later when the target is still rolling out', async () => {
    const f = await bakedWithPromote(['baking']);
    const scheduledBefore = f.scheduled.length;
    const entries = await f.entries(f.id);
    const after = await endBake(f.id, f.deps);
    expect(after.status).toBe('baking');
    expect(after.pending).toBeNull();
    expect(f.promotes()).toBe(1);
    expect(f.scheduled.slice(scheduledBefore)).toEqual([
      { deploymentId: f.id, at: new Date(f.clock.now().getTime() + PROMOTION_RECHECK_MS).toISOString() },
    ]);
    expect(PROMOTION_RECHECK_MS).toBe(60_000);
    // Nothing was recorded for the promotion that did not happen.
    expect(await f.entries(f.id)).toEqual(entries);
    expect(after.history.map((h) => h.step)).not.toContain('promote');
  });

  it('promotes when the re-armed timer fires and the target has finished', async () => {
    const f = await bakedWithPromote(['baking', 'promoted']);
    await endBake(f.id, f.deps);
    f.clock.advance(PROMOTION_RECHECK_MS);
    const promoted = await endBake(f.id, f.deps);
    expect(promoted.status).toBe('promoted');
    expect(f.promotes()).toBe(2);
    expect((await f.entries(f.id)).map((e) => e.split('/').at(-1))).toEqual([
      'gate',
      'plan',
      'apply',
      'promote',
    ]);
  });

  it('records that the target rolled back when it answers the promotion so', async () => {
    const f = await bakedWithPromote(['rolled-back']);
    const scheduledBefore = f.scheduled.length;
    const after = await endBake(f.id, f.deps);
    expect(after.status).toBe('rolled-back');
    expect(f.promotes()).toBe(1);
    expect(f.target.count('rollback')).toBe(0);
    expect(after.history.at(-1)).toMatchObject({
      step: 'rolled-back',
      status: 'rolled-back',
      detail: 'InService: alarm credit-scorer-5xx',
    });
    expect((await f.entries(f.id)).at(-1)).toBe(`action/deployment/${f.id}/rolled-back`);
    expect(f.scheduled.slice(scheduledBefore)).toEqual([]);
  });
});
