import type { Exception } from '../../contracts/exception.ts';
import type { ExceptionStore } from '../../ports/exception-store.ts';
import { applyMigrations, type Migration, type SqliteDatabase } from './sqlite-database.ts';

export const EXCEPTIONS_IMMUTABLE_MESSAGE =
  'exceptions are append-only: a granted exception cannot be changed';

const EXCEPTION_STORE_MIGRATIONS: readonly Migration[] = [
  {
    id: 'exception-store/1-tables',
    sql: `
      CREATE TABLE exceptions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        subject TEXT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX exceptions_by_subject ON exceptions (subject, seq);
      CREATE TRIGGER exceptions_no_update BEFORE UPDATE ON exceptions
        BEGIN SELECT RAISE(ABORT, '${EXCEPTIONS_IMMUTABLE_MESSAGE}'); END;
      CREATE TRIGGER exceptions_no_delete BEFORE DELETE ON exceptions
        BEGIN SELECT RAISE(ABORT, '${EXCEPTIONS_IMMUTABLE_MESSAGE}'); END;
    `,
  },
];

export class SqliteExceptionStore implements ExceptionStore {
  constructor(private readonly db: SqliteDatabase) {
    applyMigrations(db, EXCEPTION_STORE_MIGRATIONS);
  }

  async grant(exception: Exception): Promise<{ stored: Exception; created: boolean }> {
    const inserted = this.db
      .prepare('INSERT INTO exceptions (id, subject, body) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING')
      .run(exception.id, exception.subject, JSON.stringify(exception));
    const row = this.db
      .prepare<[string], { body: string }>('SELECT body FROM exceptions WHERE id = ?')
      .get(exception.id);
    if (!row) throw new Error(`exception ${exception.id} was not stored`);
    return { stored: JSON.parse(row.body) as Exception, created: inserted.changes === 1 };
  }

  async listFor(subjects: readonly string[]): Promise<Exception[]> {
    if (!subjects.length) return [];
    const marks = subjects.map(() => '?').join(', ');
    return this.db
      .prepare<string[], { body: string }>(
        `SELECT body FROM exceptions WHERE subject IN (${marks}) ORDER BY seq`,
      )
      .all(...subjects)
      .map((row) => JSON.parse(row.body) as Exception);
  }
}
