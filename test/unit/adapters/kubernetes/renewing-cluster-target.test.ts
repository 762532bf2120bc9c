/**
 * RenewingClusterTarget: one connection per credentials' lifetime, a new one a minute before they lapse,
 * and a failed connection not kept. The targets it connects to are the saga's fake (not Kubernetes).
 */
import { describe, expect, it } from 'vitest';
import {
  type ClusterConnection,
  RenewingClusterTarget,
} from '../../../../functions/adapters/kubernetes/renewing-cluster-target.ts';
import { TestClock } from '../../../support/deployment-saga.ts';
import { FakeDeploymentTarget } from '../../../support/fake-deployment-target.ts';

const TOKEN_MS = 14 * 60_000;

function connecting(clock: TestClock, failures = 0) {
  const made: FakeDeploymentTarget[] = [];
  let failing = failures;
  const connect = async (): Promise<ClusterConnection> => {
    if (failing > 0) {
      failing--;
      throw new Error('cluster ml-prod is CREATING, not ACTIVE');
    }
    const target = new FakeDeploymentTarget('eks', clock.now, 'ml-prod');
    made.push(target);
    return { target, expiresAt: new Date(clock.now().getTime() + TOKEN_MS) };
  };
  return { made, target: new RenewingClusterTarget('ml-prod', 10_000, connect, clock.now) };
}

describe('RenewingClusterTarget', () => {
  it('names its cluster and poll interval, and connects once while the credentials are good', async () => {
    const clock = new TestClock();
    const { made, target } = connecting(clock);
    expect([target.kind, target.cluster, target.pollIntervalMs]).toEqual(['eks', 'ml-prod', 10_000]);
    const [a, b] = await Promise.all([target.target(), target.target()]);
    clock.advance(TOKEN_MS - 61_000);
    const c = await target.target();
    expect(made).toHaveLength(1);
    expect(a).toBe(made[0]);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('connects again a minute before the credentials lapse', async () => {
    const clock = new TestClock();
    const { made, target } = connecting(clock);
    await target.target();
    clock.advance(TOKEN_MS - 60_000);
    const renewed = await target.target();
    expect(made).toHaveLength(2);
    expect(renewed).toBe(made[1]);
    await target.observe({ deploymentId: 'd-1', revision: 'r', status: 'applying' });
    expect(made[1]?.count('observe')).toBe(1);
    expect(made[0]?.count('observe')).toBe(0);
  });

  it('passes a failed connection on and tries again on the next call', async () => {
    const clock = new TestClock();
    const { made, target } = connecting(clock, 1);
    await expect(target.target()).rejects.toThrow('cluster ml-prod is CREATING, not ACTIVE');
    expect(await target.target()).toBe(made[0]);
  });
});
