/**
 * Report jobs in the local SQLite database, as the DynamoDB job store keeps them in AWS: written once by
 * the API, claimed once by the worker (queued -> running in one conditional update), then updated with
 * progress and outcome. The record is one JSON document per job; `status` is a column for the claim.
 */
import type { JobRecord, ReportJobPatch, ReportJobStore } from '../../ports/report-job-store.ts';
import { applyMigrations, type Migration, type SqliteDatabase } from './sqlite-database.ts';

const REPORT_JOB_STORE_MIGRATIONS: readonly Migration[] = [
  {
    id: 'report-job-store/1-report-jobs',
    sql: `
      CREATE TABLE report_jobs (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        body TEXT NOT NULL
      );
    `,
  },
];

export class SqliteReportJobStore implements ReportJobStore {
  constructor(private readonly db: SqliteDatabase) {
    applyMigrations(db, REPORT_JOB_STORE_MIGRATIONS);
  }

  async create(job: JobRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO report_jobs (id, status, body) VALUES (?, ?, ?)')
      .run(job.id, job.status, JSON.stringify(job));
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = this.db
      .prepare<[string], { body: string }>('SELECT body FROM report_jobs WHERE id = ?')
      .get(id);
    return row ? (JSON.parse(row.body) as JobRecord) : undefined;
  }

  async claim(id: string, at: string): Promise<boolean> {
    return this.db.transaction(() => {
      const claimed = this.db
        .prepare("UPDATE report_jobs SET status = 'running' WHERE id = ? AND status = 'queued'")
        .run(id);
      if (claimed.changes !== 1) return false;
      this.#merge(id, { status: 'running', updatedAt: at });
      return true;
    })();
  }

  async update(id: string, patch: ReportJobPatch): Promise<void> {
    this.db.transaction(() => this.#merge(id, patch))();
  }

  #merge(id: string, patch: ReportJobPatch): void {
    const row = this.db
      .prepare<[string], { body: string }>('SELECT body FROM report_jobs WHERE id = ?')
      .get(id);
    if (!row) throw new Error(`no report job ${id}`);
    const job = { ...(JSON.parse(row.body) as JobRecord), ...patch };
    this.db
      .prepare('UPDATE report_jobs SET status = ?, body = ? WHERE id = ?')
      .run(job.status, JSON.stringify(job), id);
  }
}
