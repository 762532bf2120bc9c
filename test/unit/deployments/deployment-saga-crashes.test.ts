/**
 * Kill -9 anywhere in a rollout: at each write to the deployment store and each append to the ledger, before
 * it happens or after it happened but before the answer. The redelivered steps (after the claim's lease)
 * must converge on the same end: promoted, each step exactly one ledger entry, the store's history equal to
 * the ledger's trail, and nothing left claimed.
 */
import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../functions/contracts/deployment.ts';
import { applyDeployment } from '../../../functions/deployments/apply-deployment.ts';
import { endBake } from '../../../functions/deployments/end-bake.ts';
import { DeploymentBusyError } from '../../../functions/deployments/errors.ts';
import { deploymentIdFor, requestDeployment } from '../../../functions/deployments/request-deployment.ts';
import { revokeDeployments } from '../../../functions/deployments/revoke-deployments.ts';
import { ProcessKilled } from '../../support/deployment-faults.ts';
import { REGISTRY_DECISION_ID } from '../../support/deployment-requests.ts';
import { allowedRequest, LEASE_MS, type SagaFixture, sagaFixture } from '../../support/deployment-saga.ts';

const BAKE_MS = 600_000;
/** Writes of a rollout from request to promotion: 1 (request) + 2 per step (claim, done) for plan, apply, promote. */
const STORE_WRITES = 7;
/** Ledger actions of the same rollout: gate, plan, apply, promote. */
const LEDGER_APPENDS = 4;

/** Delivers a step until it goes through, as a queue would: a killed or busy delivery comes back later. */
async function delivered<T>(f: SagaFixture, step: () => Promise<T>): Promise<T> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof ProcessKilled || error instanceof DeploymentBusyError)) throw error;
      await expectTrailNotBehind(f);
      f.clock.advance(LEASE_MS);
    }
  }
  throw new Error('the step did not converge');
}

/** Whatever the store says happened, the ledger has recorded: the trail is never behind the record. */
async function expectTrailNotBehind(f: SagaFixture): Promise<void> {
  const id = deploymentIdFor('req-1');
  const stored = await f.store.get(id);
  const trail = await f.entries(id);
  for (const item of stored?.history ?? []) expect(trail).toContain(`action/${item.actionId}`);
}

async function rollout(f: SagaFixture): Promise<Deployment> {
  const id = deploymentIdFor('req-1');
  await delivered(f, () => requestDeployment('req-1', allowedRequest, f.deps));
  await delivered(f, () => applyDeployment(id, f.deps));
  f.clock.advance(BAKE_MS);
  return delivered(f, () => endBake(id, f.deps));
}

const crashes = [
  ...Array.from({ length: STORE_WRITES }, (_, i) => ['store.put', i + 1] as const),
  ...Array.from({ length: LEDGER_APPENDS }, (_, i) => ['actions.recordAction', i + 1] as const),
].flatMap(([method, call]) => (['before', 'after'] as const).map((when) => ({ method, call, when })));

describe('a rollout killed at any write', () => {
  it.each(crashes)('converges when killed $when $method #$call', async ({ method, call, when }) => {
    const f = await sagaFixture();
    f.crashes.crashOn(method, call, when);
    const final = await rollout(f);
    expect(f.crashes.fired).toBe(1);
    expect(final.status).toBe('promoted');
    expect(final.pending).toBeNull();
    const stored = await f.store.get(final.id);
    expect(stored?.status).toBe('promoted');
    const trail = (await f.entries(final.id)).map((e) => e.split('/').at(-1));
    expect(trail).toEqual(['gate', 'plan', 'apply', 'promote']);
    expect(stored?.history.map((h) => h.step)).toEqual(trail);
    expect(f.target.workloads.get(final.id)).toEqual({ serving: 'new', status: 'promoted' });
    expect(f.target.count('plan')).toBeLessThanOrEqual(2);
    expect(f.target.count('apply')).toBeLessThanOrEqual(2);
    expect(f.target.count('rollback')).toBe(0);
  });

  it('redoes an apply killed between the target call and its record, once in the ledger', async () => {
    const f = await sagaFixture();
    // The third action is the apply's: the target has applied, the ledger and the store do not know.
    f.crashes.crashOn('actions.recordAction', 3, 'before');
    const id = deploymentIdFor('req-1');
    await requestDeployment('req-1', allowedRequest, f.deps);
    await expect(applyDeployment(id, f.deps)).rejects.toBeInstanceOf(ProcessKilled);
    expect(f.target.count('apply')).toBe(1);
    const stuck = await f.store.get(id);
    expect(stuck).toMatchObject({ status: 'applying', pending: { step: 'apply' } });
    await expect(applyDeployment(id, f.deps)).rejects.toBeInstanceOf(DeploymentBusyError);
    f.clock.advance(LEASE_MS);
    const baking = await applyDeployment(id, f.deps);
    expect(baking.status).toBe('baking');
    expect(f.target.count('apply')).toBe(2);
    expect((await f.entries(id)).map((e) => e.split('/').at(-1))).toEqual(['gate', 'plan', 'apply']);
  });

  it('finishes a revocation killed half-way on redelivery', async () => {
    const f = await sagaFixture();
    const id = deploymentIdFor('req-1');
    await rollout(f);
    f.crashes.crashOn('store.put', 2, 'before');
    await expect(revokeDeployments(REGISTRY_DECISION_ID, f.deps)).rejects.toThrow(/not revoked/);
    f.clock.advance(LEASE_MS);
    expect(await revokeDeployments(REGISTRY_DECISION_ID, f.deps)).toEqual([id]);
    expect((await f.store.get(id))?.status).toBe('revoked');
    expect((await f.entries(id)).map((e) => e.split('/').at(-1))).toEqual([
      'gate',
      'plan',
      'apply',
      'promote',
      'revoke',
    ]);
  });
});
