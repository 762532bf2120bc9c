/**
 * The subject index in SQLite: one row per (keyed hash, dataset version, data row), the hash as a 32-byte
 * BLOB. No identifier is stored in clear (the hasher's job), and `secure_delete` (sqlite-database.ts)
 * overwrites what `clear` removes.
 */
import type { SubjectIndex, SubjectLocation, SubjectRows } from '../../ports/subject-index.ts';
import { applyMigrations, type Migration, type SqliteDatabase } from './sqlite-database.ts';

const MIGRATIONS: Migration[] = [
  {
    id: 'subject-index/1-tables',
    sql: `
      CREATE TABLE subject_index (
        mac             BLOB NOT NULL CHECK (length(mac) = 32),
        dataset_version TEXT NOT NULL,
        row_number      INTEGER NOT NULL CHECK (row_number > 0),
        PRIMARY KEY (mac, dataset_version, row_number)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX subject_index_by_version ON subject_index (dataset_version);
    `,
  },
];

export class SqliteSubjectIndex implements SubjectIndex {
  readonly #insert;
  readonly #clear;
  readonly #locate;
  readonly #addBatch;

  constructor(private readonly db: SqliteDatabase) {
    applyMigrations(db, MIGRATIONS);
    this.#insert = db.prepare<[Uint8Array, string, number]>(
      'INSERT OR IGNORE INTO subject_index (mac, dataset_version, row_number) VALUES (?, ?, ?)',
    );
    this.#clear = db.prepare<[string]>('DELETE FROM subject_index WHERE dataset_version = ?');
    this.#locate = db.prepare<[Uint8Array], { dataset_version: string; row_number: number }>(
      'SELECT dataset_version, row_number FROM subject_index WHERE mac = ? ORDER BY dataset_version, row_number',
    );
    this.#addBatch = db.transaction((version: string, batch: SubjectRows) => {
      for (const [i, mac] of batch.macs.entries()) this.#insert.run(mac, version, batch.rows[i] as number);
    });
  }

  async clear(datasetVersionId: string): Promise<void> {
    this.#clear.run(datasetVersionId);
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
