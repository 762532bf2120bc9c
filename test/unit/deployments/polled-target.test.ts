/**
 * A target without events of its own (a Kubernetes Deployment): the saga looks at it through the timer while
 * the rollout or the rollback runs, records what it reports as its event would be, rolls back a rollout the
 * target gave up on, and never polls a target whose events report progress.
 */
import { describe, expect, it } from 'vitest';
import type { DeploymentRequestInput } from '../../../functions/contracts/deployment-request.ts';
import { applyDeployment } from '../../../functions/deployments/apply-deployment.ts';
import { endBake } from '../../../functions/deployments/end-bake.ts';
import { requestDeployment } from '../../../functions/deployments/request-deployment.ts';
import { eksRequest } from '../../support/deployment-requests.ts';
import { allowedRequest, type SagaFixture, sagaFixture } from '../../support/deployment-saga.ts';
import { FakeDeploymentTarget } from '../../support/fake-deployment-target.ts';

const POLL_MS = 10_000;
const BAKE_MS = 600_000;

/** The credit scorer's canary, as an EKS GPU workload on `cluster`. */
function eksCanary(cluster = 'ml-prod'): DeploymentRequestInput {
  return {
    ...allowedRequest,
    target: { kind: 'eks', cluster, namespace: 'serving', name: 'credit-scorer' },
    compute: eksRequest.compute,
  };
}

async function applying(): Promise<SagaFixture & { id: string; target: FakeDeploymentTarget }> {
  const f = await sagaFixture();
  const target = new FakeDeploymentTarget('eks', f.clock.now, 'ml-prod');
  target.pollIntervalMs = POLL_MS;
  target.applyStatus = 'applying';
  f.deps.targets = [f.target, target];
  const { id, status } = await requestDeployment('req-eks', eksCanary(), f.deps);
  expect(status).toBe('requested');
  expect((await applyDeployment(id, f.deps)).status).toBe('applying');
  return { ...f, id, target };
}

function at(f: SagaFixture, ms: number): string {
  return new Date(f.clock.now().getTime() + ms).toISOString();
}

describe('a target observed by polling', () => {
  it('asks the timer for a look after the poll interval once the rollout is applied', async () => {
    const f = await applying();
    expect(f.scheduled).toEqual([{ deploymentId: f.id, at: at(f, POLL_MS) }]);
    expect(f.target.count('apply')).toBe(1);
  });

  it('looks again later while the target still rolls out, recording nothing', async () => {
    const f = await applying();
    const entries = await f.entries(f.id);
    f.clock.advance(POLL_MS);
    const after = await endBake(f.id, f.deps);
    expect(after.status).toBe('applying');
    expect(f.target.count('observe')).toBe(1);
    expect(f.scheduled.at(-1)).toEqual({ deploymentId: f.id, at: at(f, POLL_MS) });
    expect(await f.entries(f.id)).toEqual(entries);
  });

  it('records the bake the target reports, and promotes at its end', async () => {
    const f = await applying();
    f.clock.advance(POLL_MS);
    f.target.observed = { status: 'baking', targetStatus: 'Progressing=True updated=1/2' };
    const baking = await endBake(f.id, f.deps);
    expect(baking.status).toBe('baking');
    expect(baking.bakeEndsAt).toBe(at(f, BAKE_MS));
    expect(f.scheduled.at(-1)).toEqual({ deploymentId: f.id, at: at(f, BAKE_MS) });

    f.clock.advance(BAKE_MS);
    f.target.observed = undefined;
    const promoted = await endBake(f.id, f.deps);
    expect(promoted.status).toBe('promoted');
    expect(await f.entries(f.id)).toEqual([
      `action/deployment/${f.id}/gate`,
      `action/deployment/${f.id}/plan`,
      `action/deployment/${f.id}/apply`,
      `action/deployment/${f.id}/baking`,
      `action/deployment/${f.id}/promote`,
    ]);
  });

  it('rolls back a rollout the target gave up on, and watches the rollback to its end', async () => {
    const f = await applying();
    f.target.rollbackStatus = 'rolling-back';
    f.clock.advance(POLL_MS);
    f.target.observed = {
      status: 'failed',
      targetStatus: 'Progressing=False(ProgressDeadlineExceeded)',
      reason: 'ReplicaSet "credit-scorer-7d9" has timed out progressing.',
    };
    const rolling = await endBake(f.id, f.deps);
    expect(rolling.status).toBe('rolling-back');
    expect(f.target.count('rollback')).toBe(1);
    expect(rolling.history.at(-1)?.detail).toBe(
      'the rollout failed on the target: Progressing=False(ProgressDeadlineExceeded): ' +
        'ReplicaSet "credit-scorer-7d9" has timed out progressing.; target says InService',
    );
    expect(f.scheduled.at(-1)).toEqual({ deploymentId: f.id, at: at(f, POLL_MS) });

    f.clock.advance(POLL_MS);
    f.target.observed = { status: 'rolled-back', targetStatus: 'Progressing=True(NewReplicaSetAvailable)' };
    const restored = await endBake(f.id, f.deps);
    expect(restored.status).toBe('rolled-back');
    expect(f.target.count('rollback')).toBe(1);
  });

  it('does not look at a rollout that was planned but never applied', async () => {
    const f = await sagaFixture();
    const target = new FakeDeploymentTarget('eks', f.clock.now, 'ml-prod');
    target.pollIntervalMs = POLL_MS;
    target.failing.set('apply', 'connection reset');
    f.deps.targets = [f.target, target];
    const { id } = await requestDeployment('req-eks', eksCanary(), f.deps);
    const record = await f.store.get(id);
    if (!record) throw new Error('expected the request to be recorded');
    // The plan step ran (status applying) and the process stopped before the apply.
    await f.store.put({ ...record, status: 'applying', version: record.version + 1 }, record.version);
    const after = await endBake(id, f.deps);
    expect(after.status).toBe('applying');
    expect(target.count('observe')).toBe(0);
  });

  it('never polls a target whose own events report progress', async () => {
    const f = await sagaFixture();
    f.target.applyStatus = 'applying';
    const { id } = await requestDeployment('req-1', allowedRequest, f.deps);
    expect((await applyDeployment(id, f.deps)).status).toBe('applying');
    expect(f.scheduled).toEqual([]);
    f.clock.advance(POLL_MS);
    expect((await endBake(id, f.deps)).status).toBe('applying');
    expect(f.target.count('observe')).toBe(0);
  });
});

describe('a target bound to one cluster', () => {
  it('runs only the requests naming its cluster; another cluster has no target', async () => {
    const f = await sagaFixture();
    const prod = new FakeDeploymentTarget('eks', f.clock.now, 'ml-prod');
    const staging = new FakeDeploymentTarget('eks', f.clock.now, 'ml-staging');
    f.deps.targets = [f.target, prod, staging];

    const { id } = await requestDeployment('req-staging', eksCanary('ml-staging'), f.deps);
    expect((await applyDeployment(id, f.deps)).status).toBe('baking');
    expect(staging.count('apply')).toBe(1);
    expect(prod.calls).toEqual([]);

    const other = await requestDeployment('req-other', eksCanary('ml-dev'), f.deps);
    const failed = await applyDeployment(other.id, f.deps);
    expect(failed.status).toBe('failed');
    expect(failed.history.at(-1)?.detail).toBe(
      'nothing applied: no deployment target for eks:ml-dev/serving/credit-scorer is configured',
    );
  });
});
