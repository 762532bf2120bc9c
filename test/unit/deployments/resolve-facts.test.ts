/** The deployment gate finds the package's model-registry decision, however many deployments followed it. */
import { describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../../functions/adapters/local/sqlite-database.ts';
import { SqliteDecisionStore } from '../../../functions/adapters/local/sqlite-decision-store.ts';
import { latestRegistryDecision } from '../../../functions/deployments/resolve-facts.ts';
import { ARN, registryDecision } from '../../support/deployment-requests.ts';

describe('latestRegistryDecision', () => {
  it('reads one page, however many deployment decisions about the same version came after it', async () => {
    const store = new SqliteDecisionStore(openDatabase(':memory:'));
    const allow = registryDecision({ evaluatedAt: '2026-11-27T10:00:00.000Z' });
    await store.record(allow);
    for (let i = 0; i < 250; i++)
      await store.record(
        registryDecision({
          id: `deployment-${i}`,
          gate: 'deployment',
          evaluatedAt: new Date(Date.parse('2026-11-28T00:00:00.000Z') + i * 1000).toISOString(),
        }),
      );
    const list = vi.spyOn(store, 'list');
    expect(await latestRegistryDecision(store, ARN)).toEqual(allow);
    expect(list).toHaveBeenCalledTimes(1);
  });

  it('finds none when only other gates decided about the package', async () => {
    const store = new SqliteDecisionStore(openDatabase(':memory:'));
    await store.record(registryDecision({ gate: 'deployment' }));
    expect(await latestRegistryDecision(store, ARN)).toBeUndefined();
  });
});
