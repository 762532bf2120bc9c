/**
 * The subject index in SQLite: one row per (dataset version, data row, keyed hash), the hash as a 32-byte
 * BLOB. A version's rows sit together in primary-key order (appended as they are read, removed as one
 * range); lookups go through the index on the hash. A version's id is stored once and referred to by a
 * small integer. No identifier is stored in clear (the hasher's job), and `secure_delete`
 * (sqlite-database.ts) overwrites what `clear` removes.
 */
import type { SubjectIndex, SubjectLocation, SubjectRows } from '../../ports/subject-index.ts';
import { applyMigrations, type Migration, type SqliteDatabase } from './sqlite-database.ts';

const MIGRATIONS: Migration[] = [
  {
    id: 'subject-index/1-tables',
    sql: `
      CREATE TABLE subject_index_versions (
        ref             INTEGER PRIMARY KEY,
        dataset_version TEXT NOT NULL UNIQUE
      ) STRICT;
      CREATE TABLE subject_index (
        version_ref INTEGER NOT NULL,
        row_number  INTEGER NOT NULL CHECK (row_number > 0),
        mac         BLOB NOT NULL CHECK (length(mac) = 32),
        PRIMARY KEY (version_ref, row_number, mac)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX subject_index_by_mac ON subject_index (mac);
    `,
  },
];

export class SqliteSubjectIndex implements SubjectIndex {
  readonly #insert;
  readonly #clear;
  readonly #locate;
  readonly #ref;
  readonly #addRef;
  readonly #addBatch;

  constructor(db: SqliteDatabase) {
    applyMigrations(db, MIGRATIONS);
    this.#ref = db.prepare<[string], { ref: number }>(
      'SELECT ref FROM subject_index_versions WHERE dataset_version = ?',
    );
    this.#addRef = db.prepare<[string]>(
      'INSERT OR IGNORE INTO subject_index_versions (dataset_version) VALUES (?)',
    );
    this.#insert = db.prepare<[number, number, Uint8Array]>(
      'INSERT OR IGNORE INTO subject_index (version_ref, row_number, mac) VALUES (?, ?, ?)',
    );
    this.#clear = db.prepare<[number]>('DELETE FROM subject_index WHERE version_ref = ?');
    this.#locate = db.prepare<[Uint8Array], { dataset_version: string; row_number: number }>(
      `SELECT v.dataset_version, i.row_number FROM subject_index i
         JOIN subject_index_versions v ON v.ref = i.version_ref
        WHERE i.mac = ? ORDER BY v.dataset_version, i.row_number`,
    );
    this.#addBatch = db.transaction((version: string, batch: SubjectRows) => {
      this.#addRef.run(version);
      const ref = (this.#ref.get(version) as { ref: number }).ref;
      for (const [i, mac] of batch.macs.entries()) this.#insert.run(ref, batch.rows[i] as number, mac);
    });
  }

  async clear(datasetVersionId: string): Promise<void> {
    const found = this.#ref.get(datasetVersionId);
    if (found) this.#clear.run(found.ref);
  }

  async add(datasetVersionId: string, batch: SubjectRows): Promise<void> {
    if (batch.macs.length !== batch.rows.length) throw new RangeError('one row number per mac');
    this.#addBatch.immediate(datasetVersionId, batch);
  }

  async locate(mac: Uint8Array): Promise<SubjectLocation[]> {
    const found = new Map<string, number[]>();
    for (const { dataset_version, row_number } of this.#locate.all(mac)) {
      const rows = found.get(dataset_version) ?? [];
      rows.push(row_number);
      found.set(dataset_version, rows);
    }
    return [...found].map(([datasetVersionId, rows]) => ({ datasetVersionId, rows }));
  }
}
