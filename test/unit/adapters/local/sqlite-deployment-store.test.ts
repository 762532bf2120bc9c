/**
 * The SQLite deployment store beyond the store contract: listing by target, and the migration that added the
 * target column, backfilling the rows written before it.
 */
import { describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase } from '../../../../functions/adapters/local/sqlite-database.ts';
import { SqliteDeploymentStore } from '../../../../functions/adapters/local/sqlite-deployment-store.ts';
import type { Deployment } from '../../../../functions/contracts/deployment.ts';
import { deploymentRequestSchema } from '../../../../functions/contracts/deployment-request.ts';
import { deploymentRecord } from '../../../support/deployment-records.ts';
import { eksRequest } from '../../../support/deployment-requests.ts';

const SAGEMAKER = 'sagemaker:credit-scorer-prod';
const EKS = 'eks:ml-prod/serving/credit-scorer';

/** The first migration exactly as it shipped: its checksum must match the store's. */
const FIRST_MIGRATION = {
  id: 'deployment-store/1-deployments',
  sql: `
      CREATE TABLE deployments (
        id           TEXT PRIMARY KEY,
        version      INTEGER NOT NULL CHECK (version >= 1),
        status       TEXT NOT NULL,
        decision_id  TEXT,
        requested_at TEXT NOT NULL,
        body         TEXT NOT NULL CHECK (json_valid(body))
      ) STRICT;
      CREATE INDEX deployments_by_time ON deployments (requested_at, id);
      CREATE INDEX deployments_by_decision ON deployments (decision_id, status);
    `,
};

function onEks(record: Deployment): Deployment {
  return { ...record, request: deploymentRequestSchema.parse(eksRequest) };
}

function ids(page: { deployments: Deployment[] }): string[] {
  return page.deployments.map((d) => d.id);
}

describe('SqliteDeploymentStore by target', () => {
  it('lists the deployments of one target only, alone or with statuses, oldest first', async () => {
    const store = new SqliteDeploymentStore(openDatabase(':memory:'));
    await store.put(
      deploymentRecord('d-1', { requestedAt: '2026-11-28T10:00:00.000Z', status: 'baking' }),
      0,
    );
    await store.put(onEks(deploymentRecord('d-2', { requestedAt: '2026-11-28T10:01:00.000Z' })), 0);
    await store.put(deploymentRecord('d-3', { requestedAt: '2026-11-28T10:02:00.000Z' }), 0);
    expect(ids(await store.list({ filter: { target: SAGEMAKER } }))).toEqual(['d-1', 'd-3']);
    expect(ids(await store.list({ filter: { target: EKS } }))).toEqual(['d-2']);
    expect(ids(await store.list({ filter: { target: 'sagemaker:other' } }))).toEqual([]);
    expect(ids(await store.list({ filter: { target: SAGEMAKER, statuses: ['requested'] } }))).toEqual([
      'd-3',
    ]);
    const first = await store.list({ filter: { target: SAGEMAKER }, limit: 1 });
    expect(ids(first)).toEqual(['d-1']);
    const rest = await store.list({
      filter: { target: SAGEMAKER },
      limit: 1,
      cursor: first.nextCursor as string,
    });
    expect(ids(rest)).toEqual(['d-3']);
  });

  it('follows a deployment that moves to another target on an update', async () => {
    const store = new SqliteDeploymentStore(openDatabase(':memory:'));
    const v1 = deploymentRecord('d-1');
    await store.put(v1, 0);
    await store.put({ ...onEks(v1), version: 2 }, 1);
    expect(ids(await store.list({ filter: { target: SAGEMAKER } }))).toEqual([]);
    expect(ids(await store.list({ filter: { target: EKS } }))).toEqual(['d-1']);
  });
});

describe('the deployment-store/2-target migration', () => {
  it('backfills the target of the rows written before it', async () => {
    const db = openDatabase(':memory:');
    applyMigrations(db, [FIRST_MIGRATION]);
    const insert = db.prepare(
      'INSERT INTO deployments (id, version, status, decision_id, requested_at, body) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const old = [
      deploymentRecord('d-old-1', { requestedAt: '2026-11-28T09:00:00.000Z', status: 'promoted' }),
      onEks(deploymentRecord('d-old-2', { requestedAt: '2026-11-28T09:01:00.000Z' })),
    ];
    for (const d of old)
      insert.run(d.id, d.version, d.status, d.artifact?.decisionId ?? null, d.requestedAt, JSON.stringify(d));

    const store = new SqliteDeploymentStore(db);
    expect(
      db.prepare<[], { id: string; target: string }>('SELECT id, target FROM deployments ORDER BY id').all(),
    ).toEqual([
      { id: 'd-old-1', target: SAGEMAKER },
      { id: 'd-old-2', target: EKS },
    ]);
    expect(ids(await store.list({ filter: { target: SAGEMAKER } }))).toEqual(['d-old-1']);
    expect(ids(await store.list({ filter: { target: EKS } }))).toEqual(['d-old-2']);
    expect(await store.get('d-old-1')).toEqual(old[0]);
    expect(
      db
        .prepare<[], { id: string }>(
          "SELECT id FROM schema_migrations WHERE id LIKE 'deployment-store/%' ORDER BY id",
        )
        .all(),
    ).toEqual([
      { id: 'deployment-store/1-deployments' },
      { id: 'deployment-store/2-target' },
      { id: 'deployment-store/3-target-claims' },
    ]);

    // Reopening applies nothing again.
    new SqliteDeploymentStore(db);
    expect(ids(await store.list())).toEqual(['d-old-1', 'd-old-2']);
  });
});
