import type { Exception, Revocation } from '../../contracts/exception.ts';
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
  {
    // A revocation is appended beside the grant, never written into it: both rows stay as recorded.
    id: 'exception-store/2-revocations',
    sql: `
      CREATE TABLE exception_revocations (
        id TEXT PRIMARY KEY REFERENCES exceptions (id),
        body TEXT NOT NULL
      );
      CREATE TRIGGER exception_revocations_no_update BEFORE UPDATE ON exception_revocations
        BEGIN SELECT RAISE(ABORT, '${EXCEPTIONS_IMMUTABLE_MESSAGE}'); END;
      CREATE TRIGGER exception_revocations_no_delete BEFORE DELETE ON exception_revocations
        BEGIN SELECT RAISE(ABORT, '${EXCEPTIONS_IMMUTABLE_MESSAGE}'); END;
    `,
  },
];

interface ExceptionRow {
  body: string;
  revocation: string | null;
}

const SELECT_EXCEPTIONS = `
  SELECT e.body AS body, r.body AS revocation
  FROM exceptions e LEFT JOIN exception_revocations r ON r.id = e.id`;

function fromRow(row: ExceptionRow): Exception {
  const exception = JSON.parse(row.body) as Exception;
  return row.revocation === null
    ? exception
    : { ...exception, ...(JSON.parse(row.revocation) as Revocation) };
}

export class SqliteExceptionStore implements ExceptionStore {
  constructor(private readonly db: SqliteDatabase) {
    applyMigrations(db, EXCEPTION_STORE_MIGRATIONS);
  }

  async grant(exception: Exception): Promise<{ stored: Exception; created: boolean }> {
    const { revokedAt: _at, revokedBy: _by, revocationReason: _why, ...granted } = exception;
    const inserted = this.db
      .prepare('INSERT INTO exceptions (id, subject, body) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING')
      .run(granted.id, granted.subject, JSON.stringify(granted));
    const stored = await this.getException(granted.id);
    if (!stored) throw new Error(`exception ${granted.id} was not stored`);
    return { stored, created: inserted.changes === 1 };
  }

  async getException(id: string): Promise<Exception | undefined> {
    const row = this.db.prepare<[string], ExceptionRow>(`${SELECT_EXCEPTIONS} WHERE e.id = ?`).get(id);
    return row && fromRow(row);
  }

  async revoke(
    id: string,
    revocation: Revocation,
  ): Promise<{ stored: Exception; created: boolean } | undefined> {
    if (!(await this.getException(id))) return undefined;
    const { revokedAt, revokedBy, revocationReason } = revocation;
    const inserted = this.db
      .prepare('INSERT INTO exception_revocations (id, body) VALUES (?, ?) ON CONFLICT (id) DO NOTHING')
      .run(id, JSON.stringify({ revokedAt, revokedBy, revocationReason }));
    return { stored: (await this.getException(id)) as Exception, created: inserted.changes === 1 };
  }

  async listFor(subjects: readonly string[]): Promise<Exception[]> {
    if (!subjects.length) return [];
    const marks = subjects.map(() => '?').join(', ');
    return this.db
      .prepare<string[], ExceptionRow>(`${SELECT_EXCEPTIONS} WHERE e.subject IN (${marks}) ORDER BY e.seq`)
      .all(...subjects)
      .map(fromRow);
  }
}
