/**
 * The one SQLite file that backs every local adapter (decisions, model registry, idempotency records).
 *
 * `openDatabase` sets the connection up for durability and concurrent readers; each adapter then brings
 * its own tables with `applyMigrations`, so a reader finds an adapter's DDL next to the code that uses it.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sha256Hex } from '../../shared/hashing.ts';

export type SqliteDatabase = Database.Database;

/** One schema change. Once applied, its SQL must never change: add a new migration instead. */
export interface Migration {
  /** Unique across adapters; prefix it with the adapter's name, e.g. `decision-store/1-tables`. */
  id: string;
  sql: string;
}

/** How long a writer waits for another connection's write lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5_000;

const IN_MEMORY = ':memory:';

/**
 * Opens (creating if missing) the database at `dbPath`, or an in-memory one for `':memory:'`.
 *
 * - WAL journal: readers never block the writer, and the writer never blocks readers.
 * - `synchronous = FULL`: a transaction is on disk before `commit` returns, so an acknowledged write
 *   survives a crash or power loss (WAL with NORMAL could lose the last transactions).
 * - `foreign_keys = ON`, and `recursive_triggers = ON` so that `INSERT OR REPLACE` fires DELETE triggers:
 *   without it a REPLACE would silently bypass the append-only guards.
 * - The directory is created if missing (mode 0700) and the file is created with mode 0600; SQLite
 *   gives its `-wal` and `-shm` files the same mode as the database file.
 */
export function openDatabase(dbPath: string): SqliteDatabase {
  const inMemory = dbPath === IN_MEMORY;
  if (!inMemory) prepareDatabaseFile(dbPath);

  const db = new Database(dbPath);
  try {
    if (!inMemory) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal')
        throw new Error(`could not switch ${dbPath} to WAL journal mode (got ${String(mode)})`);
    }
    db.pragma('synchronous = FULL');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('foreign_keys = ON');
    db.pragma('recursive_triggers = ON');
    // Deleted rows are overwritten, not left in free pages (erasure, see ledger/erasure.ts).
    db.pragma('secure_delete = ON');
    db.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        id         TEXT PRIMARY KEY,
        checksum   TEXT NOT NULL,
        applied_at TEXT NOT NULL
      ) STRICT;
    `);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Applies, in order, the migrations not yet recorded in `schema_migrations`, each in its own
 * write transaction (BEGIN IMMEDIATE), so two processes opening the same file apply each one once.
 * Running it again is a no-op. A migration whose SQL changed after it was applied is an error.
 */
export function applyMigrations(db: SqliteDatabase, migrations: readonly Migration[]): void {
  const find = db.prepare<[string], { checksum: string }>(
    'SELECT checksum FROM schema_migrations WHERE id = ?',
  );
  const mark = db.prepare<[string, string, string]>(
    'INSERT INTO schema_migrations (id, checksum, applied_at) VALUES (?, ?, ?)',
  );
  for (const migration of migrations) {
    const checksum = sha256Hex(migration.sql);
    const apply = db.transaction(() => {
      const applied = find.get(migration.id);
      if (applied) {
        if (applied.checksum !== checksum) {
          throw new Error(
            `schema migration ${migration.id} changed after it was applied (checksum mismatch); add a new migration instead of editing it`,
          );
        }
        return;
      }
      db.exec(migration.sql);
      mark.run(migration.id, checksum, new Date().toISOString());
    });
    apply.immediate();
  }
}

function prepareDatabaseFile(dbPath: string): void {
  fs.mkdirSync(path.dirname(path.resolve(dbPath)), { recursive: true, mode: 0o700 });
  // Create the file ourselves so it never exists with a wider mode than 0600, even briefly.
  const fd = fs.openSync(dbPath, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
  } finally {
    fs.closeSync(fd);
  }
}
