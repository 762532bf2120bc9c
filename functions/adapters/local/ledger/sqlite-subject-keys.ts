/**
 * Subject data keys on one machine, in their own SQLite file, apart from the log. This table is mutable on
 * purpose: destroying a key is how a person is forgotten. `secure_delete` overwrites a deleted key's bytes in
 * the database file, and a TRUNCATE checkpoint empties the write-ahead log that still held the page.
 * (Copies outside SQLite's reach, such as backups, file-system snapshots or SSD remapping, are not: see the
 * ledger README.)
 */
import { randomBytes } from 'node:crypto';
import type { SubjectKeyStore } from '../../../ledger/ports/subject-key-store.ts';
import { applyMigrations, type Migration, type SqliteDatabase } from '../sqlite-database.ts';

const SUBJECT_KEY_MIGRATIONS: readonly Migration[] = [
  {
    id: 'ledger-subject-keys/1-table',
    sql: `
      CREATE TABLE subject_keys (
        subject    TEXT PRIMARY KEY,
        data_key   BLOB NOT NULL CHECK (length(data_key) = 32),
        created_at TEXT NOT NULL
      ) STRICT;
    `,
  },
];

export class SqliteSubjectKeyStore implements SubjectKeyStore {
  readonly #db: SqliteDatabase;
  readonly #get;
  readonly #insert;
  readonly #delete;

  constructor(db: SqliteDatabase) {
    db.pragma('secure_delete = ON');
    applyMigrations(db, SUBJECT_KEY_MIGRATIONS);
    this.#db = db;
    this.#get = db.prepare<[string], { data_key: Buffer }>(
      'SELECT data_key FROM subject_keys WHERE subject = ?',
    );
    this.#insert = db.prepare<[string, Buffer, string]>(
      'INSERT INTO subject_keys (subject, data_key, created_at) VALUES (?, ?, ?) ON CONFLICT (subject) DO NOTHING',
    );
    this.#delete = db.prepare<[string]>('DELETE FROM subject_keys WHERE subject = ?');
  }

  async getOrCreate(subject: string): Promise<Uint8Array> {
    this.#insert.run(subject, randomBytes(32), new Date().toISOString());
    return (await this.get(subject)) as Uint8Array;
  }

  async get(subject: string): Promise<Uint8Array | undefined> {
    const row = this.#get.get(subject);
    return row ? new Uint8Array(row.data_key) : undefined;
  }

  async destroy(subject: string): Promise<boolean> {
    const { changes } = this.#delete.run(subject);
    if (this.#db.name !== ':memory:') this.#db.pragma('wal_checkpoint(TRUNCATE)');
    return changes > 0;
  }
}
