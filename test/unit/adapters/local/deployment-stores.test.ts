/** The local deployment stores (memory, SQLite) against the store contract, and SQLite across a reopen. */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryDeploymentStore } from '../../../../functions/adapters/local/memory-deployment-store.ts';
import { openDatabase } from '../../../../functions/adapters/local/sqlite-database.ts';
import { SqliteDeploymentStore } from '../../../../functions/adapters/local/sqlite-deployment-store.ts';
import { deploymentRecord, nextVersion } from '../../../support/deployment-records.ts';
import { deploymentStoreContract } from '../../../support/deployment-store-contract.ts';
import { removeTempDirs, tempDir } from '../../../support/ledger-fixture.ts';

afterEach(removeTempDirs);

describe('MemoryDeploymentStore', () => {
  deploymentStoreContract(async () => new MemoryDeploymentStore());

  it('hands out copies: changing a read record changes nothing stored', async () => {
    const store = new MemoryDeploymentStore();
    await store.put(deploymentRecord('d-1'), 0);
    const read = await store.get('d-1');
    if (read) read.status = 'failed';
    expect((await store.get('d-1'))?.status).toBe('requested');
  });
});

describe('SqliteDeploymentStore', () => {
  deploymentStoreContract(async () => new SqliteDeploymentStore(openDatabase(':memory:')));

  it('keeps deployments and their versions across a reopen of the file', async () => {
    const file = path.join(tempDir('verdict-deployments-'), 'verdict.db');
    const first = openDatabase(file);
    const v1 = deploymentRecord('d-1');
    await new SqliteDeploymentStore(first).put(v1, 0);
    first.close();
    const second = openDatabase(file);
    const store = new SqliteDeploymentStore(second);
    expect(await store.get('d-1')).toEqual(v1);
    await expect(store.put(nextVersion(v1, { status: 'applying' }), 1)).resolves.toBeUndefined();
    second.close();
  });
});
