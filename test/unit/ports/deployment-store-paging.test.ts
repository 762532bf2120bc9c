/**
 * Reading deployments page after page: a store that limits a page before it filters (as DynamoDB applies
 * `Limit` before a filter expression) returns empty pages that are not the end. The paging helpers every
 * saga step reads through keep going until a page has no next cursor.
 */
import { describe, expect, it } from 'vitest';
import { MemoryDeploymentStore } from '../../../functions/adapters/local/memory-deployment-store.ts';
import type { Deployment } from '../../../functions/contracts/deployment.ts';
import {
  type DeploymentFilter,
  type DeploymentPage,
  type DeploymentStore,
  eachDeployment,
  matchesFilter,
  newestDeployment,
  oldestDeployment,
} from '../../../functions/ports/deployment-store.ts';
import { deploymentRecord } from '../../support/deployment-records.ts';

/** One stored deployment per page, filtered afterwards, as a DynamoDB query with Limit 1 and a filter. */
class LimitThenFilterStore implements Pick<DeploymentStore, 'list'> {
  calls = 0;
  constructor(private readonly all: Deployment[]) {}
  async list(options: { filter?: DeploymentFilter; cursor?: string } = {}): Promise<DeploymentPage> {
    this.calls += 1;
    const at = options.cursor === undefined ? 0 : Number(options.cursor);
    const slice = this.all.slice(at, at + 1).filter((d) => matchesFilter(d, options.filter));
    return { deployments: slice, ...(at + 1 < this.all.length ? { nextCursor: String(at + 1) } : {}) };
  }
}

const records = [
  deploymentRecord('d-1', { requestedAt: '2026-11-28T10:00:00.000Z', status: 'promoted' }),
  deploymentRecord('d-2', { requestedAt: '2026-11-28T10:01:00.000Z', status: 'baking' }),
  deploymentRecord('d-3', { requestedAt: '2026-11-28T10:02:00.000Z', status: 'requested' }),
  deploymentRecord('d-4', { requestedAt: '2026-11-28T10:03:00.000Z', status: 'requested' }),
  deploymentRecord('d-5', { requestedAt: '2026-11-28T10:04:00.000Z', status: 'failed' }),
];

describe('paging through deployments', () => {
  it('finds the oldest match past empty pages, and reads no further', async () => {
    const store = new LimitThenFilterStore(records);
    expect((await oldestDeployment(store, { statuses: ['requested'] }))?.id).toBe('d-3');
    expect(store.calls).toBe(3);
  });

  it('finds the newest match across every page', async () => {
    const store = new LimitThenFilterStore(records);
    expect((await newestDeployment(store, { statuses: ['requested', 'baking'] }))?.id).toBe('d-4');
    expect(store.calls).toBe(records.length);
  });

  it('yields every match oldest first, and nothing when none matches', async () => {
    const ids: string[] = [];
    for await (const d of eachDeployment(new LimitThenFilterStore(records), { statuses: ['requested'] }))
      ids.push(d.id);
    expect(ids).toEqual(['d-3', 'd-4']);
    expect(
      await oldestDeployment(new LimitThenFilterStore(records), { statuses: ['revoked'] }),
    ).toBeUndefined();
  });

  it('reads a store that filters before it limits the same way', async () => {
    const memory = new MemoryDeploymentStore();
    for (const record of records) await memory.put(record, 0);
    expect((await oldestDeployment(memory, { statuses: ['requested'] }))?.id).toBe('d-3');
    expect((await newestDeployment(memory, { statuses: ['requested'] }))?.id).toBe('d-4');
  });
});
