/**
 * What every DeploymentStore does, run against each adapter: compare-and-set on the version, reads that are
 * copies, listings filtered by decision and status in request order, page by page, and the per-target claim
 * (one holder at a time, taken over only from the holder named, released only by its holder, in no listing).
 */
import { expect, it } from 'vitest';
import {
  type DeploymentFilter,
  type DeploymentStore,
  DeploymentVersionConflictError,
} from '../../functions/ports/deployment-store.ts';
import { deploymentRecord, nextVersion } from './deployment-records.ts';

export function deploymentStoreContract(open: () => Promise<DeploymentStore>): void {
  it('creates a deployment once: a second create at version 0 conflicts', async () => {
    const store = await open();
    const record = deploymentRecord('d-1');
    await store.put(record, 0);
    expect(await store.get('d-1')).toEqual(record);
    await expect(store.put(deploymentRecord('d-1', { status: 'refused' }), 0)).rejects.toBeInstanceOf(
      DeploymentVersionConflictError,
    );
    expect(await store.get('d-1')).toEqual(record);
    expect(await store.get('d-missing')).toBeUndefined();
  });

  it('writes only over the version it read', async () => {
    const store = await open();
    const v1 = deploymentRecord('d-2');
    await store.put(v1, 0);
    const v2 = nextVersion(v1, { status: 'applying' });
    await store.put(v2, 1);
    const stale = nextVersion(v1, { status: 'refused' });
    const error = await store.put(stale, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentVersionConflictError);
    expect(error).toMatchObject({ deploymentId: 'd-2', expectedVersion: 1 });
    expect(await store.get('d-2')).toEqual(v2);
    await expect(store.put(nextVersion(v1), 0)).rejects.toThrow(RangeError);
    await expect(store.put(nextVersion(v2, { status: 'baking' }), 5)).rejects.toThrow(RangeError);
  });

  it('lets one of two concurrent writes of the same version win', async () => {
    const store = await open();
    const v1 = deploymentRecord('d-3');
    await store.put(v1, 0);
    const results = await Promise.allSettled([
      store.put(nextVersion(v1, { status: 'baking' }), 1),
      store.put(nextVersion(v1, { status: 'failed' }), 1),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected');
    expect(lost?.status === 'rejected' && lost.reason).toBeInstanceOf(DeploymentVersionConflictError);
    expect((await store.get('d-3'))?.version).toBe(2);
  });

  it('lists by approving decision and status, in request order, page by page', async () => {
    const store = await open();
    const at = (minute: number) => `2026-11-28T10:${String(minute).padStart(2, '0')}:00.000Z`;
    await store.put(deploymentRecord('e-4', { requestedAt: at(4), status: 'promoted' }), 0);
    await store.put(deploymentRecord('e-1', { requestedAt: at(1), status: 'baking' }), 0);
    await store.put(deploymentRecord('e-3', { requestedAt: at(3), status: 'rolled-back' }), 0);
    await store.put(deploymentRecord('e-2', { requestedAt: at(2), decisionId: 'dec-2' }), 0);
    await store.put(deploymentRecord('e-5', { requestedAt: at(5), decisionId: null, status: 'refused' }), 0);

    const all = await store.list();
    expect(all.deployments.map((d) => d.id)).toEqual(['e-1', 'e-2', 'e-3', 'e-4', 'e-5']);
    expect(all.nextCursor).toBeUndefined();

    const live = { decisionId: 'dec-1', statuses: ['baking', 'promoted', 'requested'] as const };
    const first = await store.list({ filter: live, limit: 1 });
    expect(first.deployments.map((d) => d.id)).toEqual(['e-1']);
    const ids = first.deployments.map((d) => d.id);
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await store.list({ filter: live, limit: 1, cursor });
      ids.push(...page.deployments.map((d) => d.id));
      cursor = page.nextCursor;
    }
    expect(ids).toEqual(['e-1', 'e-4']);
    expect((await store.list({ filter: { decisionId: 'dec-2' } })).deployments.map((d) => d.id)).toEqual([
      'e-2',
    ]);
    expect((await store.list({ filter: { statuses: [] } })).deployments).toEqual([]);
    await expect(store.list({ limit: 0 })).rejects.toThrow(RangeError);
  });

  it('lets one deployment at a time hold a target, and frees it only for its holder', async () => {
    const store = await open();
    const target = 'sagemaker:credit-scorer-prod';
    expect(await store.targetHolder(target)).toBeUndefined();
    expect(await store.claimTarget(target, 'd-a')).toBe(true);
    expect(await store.claimTarget(target, 'd-a')).toBe(true);
    expect(await store.claimTarget(target, 'd-b')).toBe(false);
    expect(await store.claimTarget('sagemaker:fraud', 'd-b')).toBe(true);
    expect(await store.targetHolder(target)).toBe('d-a');

    await store.releaseTarget(target, 'd-b');
    expect(await store.targetHolder(target)).toBe('d-a');
    await store.releaseTarget(target, 'd-a');
    expect(await store.targetHolder(target)).toBeUndefined();
    await store.releaseTarget(target, 'd-a');
    expect(await store.claimTarget(target, 'd-b')).toBe(true);
    expect(await store.targetHolder(target)).toBe('d-b');
  });

  it('takes a claim over only from the holder it names', async () => {
    const store = await open();
    const target = 'eks:gpu/ml/scorer';
    expect(await store.claimTarget(target, 'd-a')).toBe(true);
    expect(await store.claimTarget(target, 'd-c', 'd-x')).toBe(false);
    expect(await store.targetHolder(target)).toBe('d-a');
    expect(await store.claimTarget(target, 'd-b', 'd-a')).toBe(true);
    expect(await store.targetHolder(target)).toBe('d-b');
    // A second takeover from the same old holder finds the claim moved on.
    expect(await store.claimTarget(target, 'd-c', 'd-a')).toBe(false);
    expect(await store.claimTarget('sagemaker:free', 'd-d', 'd-a')).toBe(true);
  });

  it('gives a free target to exactly one of two concurrent claims', async () => {
    const store = await open();
    const target = 'sagemaker:race';
    const won = await Promise.all([store.claimTarget(target, 'd-a'), store.claimTarget(target, 'd-b')]);
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await store.targetHolder(target)).toBe(won[0] ? 'd-a' : 'd-b');
  });

  it('lists no claim among the deployments', async () => {
    const store = await open();
    await store.put(deploymentRecord('f-1'), 0);
    expect(await store.claimTarget('sagemaker:credit-scorer-prod', 'f-1')).toBe(true);
    const ids = async (filter?: DeploymentFilter) =>
      (await store.list(filter ? { filter } : {})).deployments.map((d) => d.id);
    expect(await ids()).toEqual(['f-1']);
    expect(await ids({ target: 'sagemaker:credit-scorer-prod' })).toEqual(['f-1']);
    expect(await ids({ decisionId: 'dec-1' })).toEqual(['f-1']);
    expect(await store.get('sagemaker:credit-scorer-prod')).toBeUndefined();
  });
}
