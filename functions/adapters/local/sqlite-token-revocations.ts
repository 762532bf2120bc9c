/**
 * Revoked bearer tokens (`verdict token revoke`), by token id (`jti`), in the data directory's SQLite file.
 * The local server looks each token up on every call, so a revocation takes effect on the next request,
 * even in a running `verdict serve`. A revocation cannot be undone: triggers abort UPDATE and DELETE.
 */
import { applyMigrations, type Migration, type SqliteDatabase } from './sqlite-database.ts';

const REVOCATION_MIGRATIONS: readonly Migration[] = [
  {
    id: 'token-revocations/1-table',
    sql: `
      CREATE TABLE revoked_tokens (
        jti        TEXT PRIMARY KEY,
        revoked_at TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER revoked_tokens_no_update BEFORE UPDATE ON revoked_tokens
        BEGIN SELECT RAISE(ABORT, 'a token revocation cannot be changed'); END;
      CREATE TRIGGER revoked_tokens_no_delete BEFORE DELETE ON revoked_tokens
        BEGIN SELECT RAISE(ABORT, 'a token revocation cannot be undone'); END;
    `,
  },
];

export class SqliteTokenRevocations {
  readonly #insert;
  readonly #find;

  constructor(db: SqliteDatabase) {
    applyMigrations(db, REVOCATION_MIGRATIONS);
    this.#insert = db.prepare<[string, string]>(
      'INSERT INTO revoked_tokens (jti, revoked_at) VALUES (?, ?) ON CONFLICT (jti) DO NOTHING',
    );
    this.#find = db.prepare<[string], { jti: string }>('SELECT jti FROM revoked_tokens WHERE jti = ?');
  }

  /** Returns false when the token was already revoked. */
  revoke(jti: string, at = new Date()): boolean {
    return this.#insert.run(jti, at.toISOString()).changes === 1;
  }

  isRevoked(jti: string): boolean {
    return this.#find.get(jti) !== undefined;
  }
}
