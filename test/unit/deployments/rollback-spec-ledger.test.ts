/**
 * The spec a rollback restores is the one the ledger committed to: the plan's ledger entry carries its
 * digest, a rollback checks the record against it, and a deployments table edited since restores nothing.
 */
import { describe, expect, it } from 'vitest';
import { deploymentActionId } from '../../../functions/contracts/deployment.ts';
import { applyDeployment } from '../../../functions/deployments/apply-deployment.ts';
import { requestDeployment } from '../../../functions/deployments/request-deployment.ts';
import { rollbackDeployment } from '../../../functions/deployments/rollback-deployment.ts';
import { previousSpecDigest } from '../../../functions/deployments/rollback-step.ts';
import { allowedRequest, sagaFixture } from '../../support/deployment-saga.ts';

async function baking() {
  const f = await sagaFixture();
  const { id } = await requestDeployment('req-1', allowedRequest, f.deps);
  expect((await applyDeployment(id, f.deps)).status).toBe('baking');
  return { ...f, id };
}

describe('the previous spec on the ledger', () => {
  it('is committed to by the plan entry, and a rollback restores it', async () => {
    const f = await baking();
    const plan = await f.ledger.findAction(deploymentActionId(f.id, 'plan'));
    expect(plan?.digest).toBe(previousSpecDigest({ model: 2 }));
    expect(plan?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const rolled = await rollbackDeployment(f.id, f.deps);
    expect(rolled.status).toBe('rolled-back');
    expect(f.target.count('rollback')).toBe(1);
  });

  it('is not restored from a deployments table edited since: nothing reaches the target', async () => {
    const f = await baking();
    const record = await f.store.get(f.id);
    if (!record?.plan) throw new Error('expected a planned deployment');
    // Someone with write access to the table points the rollback at another spec.
    await f.store.put(
      {
        ...record,
        plan: { ...record.plan, previousSpec: { model: 'attacker' } },
        version: record.version + 1,
      },
      record.version,
    );
    const rolled = await rollbackDeployment(f.id, f.deps);
    expect(rolled.status).toBe('failed');
    expect(rolled.history.at(-1)?.detail).toBe(
      `rolled back on request; nothing restored: the previous spec on record (${previousSpecDigest({ model: 'attacker' })}) ` +
        `is not the one the ledger's plan entry recorded (${previousSpecDigest({ model: 2 })})`,
    );
    expect(f.target.count('rollback')).toBe(0);
  });
});
