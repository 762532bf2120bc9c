/** The read model of registered dataset versions (the ledger holds each record first). */
import { type DatasetVersion, datasetVersionSchema } from '../../contracts/dataset-version.ts';
import { applyMigrations, type Migration, type SqliteDatabase } from './sqlite-database.ts';

const MIGRATIONS: Migration[] = [
  {
    id: 'dataset-versions/1-tables',
    sql: `
      CREATE TABLE dataset_versions (
        id            TEXT PRIMARY KEY,
        registered_at TEXT NOT NULL,
        document      TEXT NOT NULL
      ) STRICT;
    `,
  },
];

export class SqliteDatasetVersions {
  readonly #put;
  readonly #get;
  readonly #list;

  constructor(db: SqliteDatabase) {
    applyMigrations(db, MIGRATIONS);
    this.#put = db.prepare<[string, string, string]>(
      'INSERT OR REPLACE INTO dataset_versions (id, registered_at, document) VALUES (?, ?, ?)',
    );
    this.#get = db.prepare<[string], { document: string }>(
      'SELECT document FROM dataset_versions WHERE id = ?',
    );
    this.#list = db.prepare<[], { document: string }>(
      'SELECT document FROM dataset_versions ORDER BY registered_at, id',
    );
  }

  put(version: DatasetVersion): void {
    this.#put.run(version.id, version.registeredAt, JSON.stringify(version));
  }

  get(id: string): DatasetVersion | undefined {
    const row = this.#get.get(id);
    return row && datasetVersionSchema.parse(JSON.parse(row.document));
  }

  list(): DatasetVersion[] {
    return this.#list.all().map((row) => datasetVersionSchema.parse(JSON.parse(row.document)));
  }
}
