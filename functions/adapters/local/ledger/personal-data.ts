/**
 * The data directory's sealer of personal data: the ledger's pseudonym key and subject key store
 * (`<dataDir>/ledger/pseudonym.key`, `<dataDir>/ledger/subject-keys.db`), so that a field sealed by any local
 * store is erased by the same `verdict forget`. Without a data directory: in memory, for tests.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PersonalData } from '../../../ledger/personal-data.ts';
import { openDatabase } from '../sqlite-database.ts';
import { loadOrCreateSecret } from './key-file.ts';
import { SqliteSubjectKeyStore } from './sqlite-subject-keys.ts';

export interface LocalPersonalData {
  personal: PersonalData;
  close(): void;
}

export function openLocalPersonalData(dataDir?: string): LocalPersonalData {
  if (dataDir === undefined) {
    const db = openDatabase(':memory:');
    return {
      personal: new PersonalData(randomBytes(32), new SqliteSubjectKeyStore(db)),
      close: () => db.close(),
    };
  }
  const dir = path.join(dataDir, 'ledger');
  const db = openDatabase(path.join(dir, 'subject-keys.db'));
  try {
    const personal = new PersonalData(
      loadOrCreateSecret(path.join(dir, 'pseudonym.key')),
      new SqliteSubjectKeyStore(db),
    );
    return { personal, close: () => db.close() };
  } catch (error) {
    db.close();
    throw error;
  }
}
