/**
 * The API access log on one machine: an append-only SQLite table (triggers abort UPDATE and DELETE), in
 * the same database file as the decisions.
 */
import type { Statement } from 'better-sqlite3';
import type { AccessRecord } from '../../contracts/access-record.ts';
import type { AccessLog, AccessRecordPage } from '../../ports/access-log.ts';
import { InvalidCursorError, pageSize, sortableTime } from '../../ports/decision-store.ts';
import { applyMigrations, type Migration, type SqliteDatabase } from './sqlite-database.ts';

export const ACCESS_LOG_IMMUTABLE_MESSAGE = 'the access log is append-only: a record cannot be changed';

const ACCESS_LOG_MIGRATIONS: readonly Migration[] = [
  {
    id: 'access-log/1-table',
    sql: `
      CREATE TABLE api_access_log (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        id           TEXT NOT NULL UNIQUE,
        at           TEXT NOT NULL,
        principal_id TEXT,
        role         TEXT,
        route        TEXT NOT NULL,
        status       INTEGER NOT NULL,
        body         TEXT NOT NULL CHECK (json_valid(body))
      ) STRICT;
      CREATE INDEX api_access_log_by_time ON api_access_log (at, seq);
      CREATE INDEX api_access_log_by_principal ON api_access_log (principal_id, at);
      CREATE TRIGGER api_access_log_no_update BEFORE UPDATE ON api_access_log
        BEGIN SELECT RAISE(ABORT, '${ACCESS_LOG_IMMUTABLE_MESSAGE}'); END;
      CREATE TRIGGER api_access_log_no_delete BEFORE DELETE ON api_access_log
        BEGIN SELECT RAISE(ABORT, '${ACCESS_LOG_IMMUTABLE_MESSAGE}'); END;
    `,
  },
];

interface Row {
  seq: number;
  at: string;
  body: string;
}

export class SqliteAccessLog implements AccessLog {
  readonly #db: SqliteDatabase;
  readonly #insert;
  readonly #pages = new Map<string, Statement<Record<string, unknown>, Row>>();
  readonly #positionOf;

  constructor(db: SqliteDatabase) {
    applyMigrations(db, ACCESS_LOG_MIGRATIONS);
    this.#db = db;
    this.#insert = db.prepare(`
      INSERT INTO api_access_log (id, at, principal_id, role, route, status, body)
      VALUES (@id, @at, @principalId, @role, @route, @status, @body)
      ON CONFLICT (id) DO NOTHING`);
    this.#positionOf = db.prepare<[number], { at: string }>('SELECT at FROM api_access_log WHERE seq = ?');
  }

  async record(entry: AccessRecord): Promise<void> {
    this.#insert.run({
      id: entry.id,
      at: sortableTime(entry.at, 'at'),
      principalId: entry.principal?.id ?? entry.caller ?? null,
      role: entry.principal?.role ?? null,
      route: entry.route,
      status: entry.status,
      body: JSON.stringify(entry),
    });
  }

  /** Oldest first, by time then recording order; the cursor is the last record's sequence number. */
  async list(
    options: { limit?: number; cursor?: string; from?: string; to?: string } = {},
  ): Promise<AccessRecordPage> {
    const limit = pageSize(options.limit);
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: limit + 1 };
    if (options.from !== undefined) {
      where.push('at >= @from');
      params.from = sortableTime(options.from, 'from');
    }
    if (options.to !== undefined) {
      where.push('at < @to');
      params.to = sortableTime(options.to, 'to');
    }
    if (options.cursor !== undefined) {
      const seq = decodeCursor(options.cursor);
      const position = this.#positionOf.get(seq);
      if (!position) throw new InvalidCursorError();
      where.push('(at, seq) > (@afterAt, @afterSeq)');
      params.afterAt = position.at;
      params.afterSeq = seq;
    }
    const sql = `SELECT seq, at, body FROM api_access_log${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY at, seq LIMIT @limit`;
    let statement = this.#pages.get(sql);
    if (!statement) {
      statement = this.#db.prepare<Record<string, unknown>, Row>(sql);
      this.#pages.set(sql, statement);
    }
    const rows = statement.all(params);
    const page = rows.slice(0, limit);
    const records = page.map((row) => JSON.parse(row.body) as AccessRecord);
    const last = page.at(-1);
    return rows.length > limit && last ? { records, nextCursor: encodeCursor(last.seq) } : { records };
  }
}

function encodeCursor(seq: number): string {
  return Buffer.from(`access:${seq}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^access:([1-9][0-9]*)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const seq = Number(match?.[1]);
  if (!match || !Number.isSafeInteger(seq)) throw new InvalidCursorError();
  return seq;
}
