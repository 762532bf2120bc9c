/**
 * The bake timer locally: one row per deployment (scheduling again replaces it), kept in the local database
 * so that a bake outlives the command that started it. `verdict serve` fires due bakes every second; the
 * deployment commands fire those already due when they open the data directory, as EventBridge Scheduler
 * would have.
 */
import type { BakeTimer } from '../../ports/bake-timer.ts';
import { applyMigrations, type Migration, type SqliteDatabase } from './sqlite-database.ts';

const MIGRATIONS: readonly Migration[] = [
  {
    id: 'bake-timer/1',
    sql: `CREATE TABLE bake_schedules (deployment_id TEXT PRIMARY KEY, at TEXT NOT NULL) STRICT;`,
  },
];

export class SqliteBakeTimer implements BakeTimer {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    applyMigrations(db, MIGRATIONS);
  }

  async scheduleBakeEnd(deploymentId: string, at: string): Promise<void> {
    if (Number.isNaN(Date.parse(at))) throw new RangeError(`not a time: ${at}`);
    this.#db
      .prepare(
        'INSERT INTO bake_schedules (deployment_id, at) VALUES (?, ?) ON CONFLICT (deployment_id) DO UPDATE SET at = excluded.at',
      )
      .run(deploymentId, new Date(at).toISOString());
  }

  /** The deployments whose bake ends at or before `now`, earliest first. */
  due(now: Date): string[] {
    return this.#db
      .prepare<[string], { deployment_id: string }>(
        'SELECT deployment_id FROM bake_schedules WHERE at <= ? ORDER BY at, deployment_id',
      )
      .all(now.toISOString())
      .map((row) => row.deployment_id);
  }

  /** When the next bake ends, if any is scheduled. */
  next(): Date | undefined {
    const row = this.#db.prepare<[], { at: string }>('SELECT MIN(at) AS at FROM bake_schedules').get();
    return row?.at ? new Date(row.at) : undefined;
  }

  /** A fired schedule is gone, as a one-shot schedule deletes itself after it ran. */
  fired(deploymentId: string, at: Date): void {
    this.#db
      .prepare('DELETE FROM bake_schedules WHERE deployment_id = ? AND at <= ?')
      .run(deploymentId, at.toISOString());
  }
}
