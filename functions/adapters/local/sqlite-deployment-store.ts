/**
 * The deployment store in the local SQLite database: one JSON document per deployment, with the version,
 * status, approving decision and request time as columns for the compare-and-set and the listings. A write
 * names the version it read: `INSERT` only if absent (version 0), `UPDATE ... WHERE version = ?` otherwise.
 * A target's claim is a row of `target_claims`, taken by an upsert that only overwrites the holder's own row.
 */
import type { Deployment } from '../../contracts/deployment.ts';
import { deploymentTargetName } from '../../contracts/deployment-request.ts';
import { pageSize } from '../../ports/decision-store.ts';
import {
  checkNextVersion,
  type DeploymentFilter,
  type DeploymentPage,
  type DeploymentStore,
  DeploymentVersionConflictError,
} from '../../ports/deployment-store.ts';
import { decodeCursor, encodeCursor, listKey } from './memory-deployment-store.ts';
import { applyMigrations, type Migration, type SqliteDatabase } from './sqlite-database.ts';

const DEPLOYMENT_STORE_MIGRATIONS: readonly Migration[] = [
  {
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
  },
  {
    id: 'deployment-store/2-target',
    sql: `
      ALTER TABLE deployments ADD COLUMN target TEXT;
      UPDATE deployments SET target = CASE json_extract(body, '$.request.target.kind')
        WHEN 'sagemaker' THEN 'sagemaker:' || json_extract(body, '$.request.target.endpointName')
        ELSE 'eks:' || json_extract(body, '$.request.target.cluster') || '/' ||
             json_extract(body, '$.request.target.namespace') || '/' || json_extract(body, '$.request.target.name')
      END;
      CREATE INDEX deployments_by_target ON deployments (target, requested_at, id);
    `,
  },
  {
    id: 'deployment-store/3-target-claims',
    sql: `
      CREATE TABLE target_claims (
        target TEXT PRIMARY KEY,
        holder TEXT NOT NULL
      ) STRICT;
    `,
  },
];

export class SqliteDeploymentStore implements DeploymentStore {
  constructor(private readonly db: SqliteDatabase) {
    applyMigrations(db, DEPLOYMENT_STORE_MIGRATIONS);
  }

  async get(id: string): Promise<Deployment | undefined> {
    const row = this.db
      .prepare<[string], { body: string }>('SELECT body FROM deployments WHERE id = ?')
      .get(id);
    return row ? (JSON.parse(row.body) as Deployment) : undefined;
  }

  async put(next: Deployment, expectedVersion: number): Promise<void> {
    checkNextVersion(next, expectedVersion);
    const columns = [
      next.version,
      next.status,
      next.artifact?.decisionId ?? null,
      next.requestedAt,
      deploymentTargetName(next.request.target),
      JSON.stringify(next),
    ] as const;
    const written =
      expectedVersion === 0
        ? this.db
            .prepare(
              `INSERT INTO deployments (version, status, decision_id, requested_at, target, body, id)
               VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
            )
            .run(...columns, next.id)
        : this.db
            .prepare(
              `UPDATE deployments SET version = ?, status = ?, decision_id = ?, requested_at = ?, target = ?, body = ?
               WHERE id = ? AND version = ?`,
            )
            .run(...columns, next.id, expectedVersion);
    if (written.changes !== 1) throw new DeploymentVersionConflictError(next.id, expectedVersion);
  }

  async claimTarget(target: string, deploymentId: string, takeOverFrom?: string): Promise<boolean> {
    const written = this.db
      .prepare(
        `INSERT INTO target_claims (target, holder) VALUES (?, ?)
         ON CONFLICT (target) DO UPDATE SET holder = excluded.holder
         WHERE holder = excluded.holder OR holder = ?`,
      )
      .run(target, deploymentId, takeOverFrom ?? null);
    return written.changes === 1;
  }

  async targetHolder(target: string): Promise<string | undefined> {
    return this.db
      .prepare<[string], { holder: string }>('SELECT holder FROM target_claims WHERE target = ?')
      .get(target)?.holder;
  }

  async releaseTarget(target: string, deploymentId: string): Promise<void> {
    this.db.prepare('DELETE FROM target_claims WHERE target = ? AND holder = ?').run(target, deploymentId);
  }

  async list(
    options: { filter?: DeploymentFilter; limit?: number; cursor?: string } = {},
  ): Promise<DeploymentPage> {
    const limit = pageSize(options.limit);
    const where: string[] = [];
    const params: (string | number)[] = [];
    const { decisionId, target, statuses } = options.filter ?? {};
    if (decisionId !== undefined) {
      where.push('decision_id = ?');
      params.push(decisionId);
    }
    if (target !== undefined) {
      where.push('target = ?');
      params.push(target);
    }
    if (statuses) {
      where.push(`status IN (${statuses.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...statuses);
    }
    if (options.cursor) {
      const [requestedAt, id] = decodeCursor(options.cursor).split('\u0000') as [string, string];
      where.push('(requested_at, id) > (?, ?)');
      params.push(requestedAt, id);
    }
    const rows = this.db
      .prepare<(string | number)[], { body: string }>(
        `SELECT body FROM deployments ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY requested_at, id LIMIT ?`,
      )
      .all(...params, limit + 1);
    const deployments = rows.slice(0, limit).map((r) => JSON.parse(r.body) as Deployment);
    const last = deployments.at(-1);
    return {
      deployments,
      ...(rows.length > limit && last ? { nextCursor: encodeCursor(listKey(last)) } : {}),
    };
  }
}
