/**
 * The dataset registry on the embedded stores: versions in the ledger and SQLite, the subject index in
 * SQLite, its HMAC key in `<dataDir>/datasets/subject-index.key` (a throw-away key without a data
 * directory, for tests on an in-memory runtime).
 */
import { randomBytes } from 'node:crypto';
import { HmacSubjectKeyHasher } from '../adapters/local/hmac-subject-key-hasher.ts';
import type { SqliteDatabase } from '../adapters/local/sqlite-database.ts';
import { SqliteDatasetVersions } from '../adapters/local/sqlite-dataset-versions.ts';
import { SqliteSubjectIndex } from '../adapters/local/sqlite-subject-index.ts';
import { loadOrCreateSubjectKey } from '../adapters/local/subject-key-file.ts';
import { LedgerDatasetVersions } from '../datasets/ledger-dataset-versions.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { DatasetVersions } from '../ports/dataset-versions.ts';
import type { SubjectIndex } from '../ports/subject-index.ts';
import type { SubjectKeyHasher } from '../ports/subject-key-hasher.ts';

export interface LocalDatasets {
  versions: DatasetVersions;
  index: SubjectIndex;
  /** Loads (or creates) the key on first use: commands that never hash never create it. */
  hasher(): SubjectKeyHasher;
}

export function localDatasets(
  db: SqliteDatabase,
  dataDir: string | undefined,
  openLedger: () => Promise<Ledger>,
  now: () => Date,
): LocalDatasets {
  let loaded: SubjectKeyHasher | undefined;
  const hasher = () => {
    if (loaded) return loaded;
    if (dataDir === undefined) loaded = new HmacSubjectKeyHasher(randomBytes(32), 'ephemeral');
    else {
      const { key, keyId } = loadOrCreateSubjectKey(dataDir);
      loaded = new HmacSubjectKeyHasher(key, keyId);
    }
    return loaded;
  };
  return {
    versions: new LedgerDatasetVersions(openLedger, new SqliteDatasetVersions(db), now),
    index: new SqliteSubjectIndex(db),
    hasher,
  };
}
