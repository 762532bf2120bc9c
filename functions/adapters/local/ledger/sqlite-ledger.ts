/**
 * The embedded ledger under a data directory:
 *   <dataDir>/ledger/ledger.db        entries, tree, checkpoints (SQLite, append-only)
 *   <dataDir>/ledger/ledger.anchor    the largest checkpoint ever signed (a copy of ledger.db that is older
 *                                     than this is refused: no rollback)
 *   <dataDir>/ledger/signer.key       Ed25519 checkpoint signing key (0600, created on first run)
 *   <dataDir>/ledger/subject-keys.db  per-subject data keys (mutable: erasure deletes them)
 *   <dataDir>/ledger/pseudonym.key    HMAC key for subject pseudonyms (0600)
 */
import path from 'node:path';
import { AnchoredLedgerStore } from '../../../ledger/anchored-store.ts';
import {
  type CheckpointCadence,
  DEFAULT_ORIGIN,
  Ledger,
  type LedgerOptions,
} from '../../../ledger/ledger.ts';
import { type LedgerHandle, ledgerHandle } from '../../../ledger/ledger-handle.ts';
import { PersonalData } from '../../../ledger/personal-data.ts';
import type { LedgerStore } from '../../../ledger/ports/ledger-store.ts';
import { openDatabase } from '../sqlite-database.ts';
import { FileHighWaterMark } from './high-water-mark-file.ts';
import { loadOrCreateSecret, loadOrCreateSignerKey } from './key-file.ts';
import { SqliteLedgerStore } from './sqlite-store.ts';
import { SqliteSubjectKeyStore } from './sqlite-subject-keys.ts';

/** The local cadence: a checkpoint per 1,024 entries or 5 s, and before every proof, export or close. */
const LOCAL_CHECKPOINT_CADENCE = { entries: 1024, intervalMs: 5_000 } as const;

/** `VERDICT_LEDGER_CHECKPOINT_ENTRIES` and `VERDICT_LEDGER_CHECKPOINT_INTERVAL_MS` override the local cadence. */
function checkpointCadence(env: NodeJS.ProcessEnv = process.env): CheckpointCadence {
  const read = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < 1)
      throw new RangeError(`${name} must be a positive integer, got ${raw}`);
    return value;
  };
  return {
    entries: read('VERDICT_LEDGER_CHECKPOINT_ENTRIES', LOCAL_CHECKPOINT_CADENCE.entries),
    intervalMs: read('VERDICT_LEDGER_CHECKPOINT_INTERVAL_MS', LOCAL_CHECKPOINT_CADENCE.intervalMs),
  };
}

export interface LocalLedgerOptions {
  dataDir: string;
  /** Default: VERDICT_LEDGER_ORIGIN, else `verdict.local/ledger`. */
  origin?: string;
  /** Another signer key file (key rotation: the old keys stay known to the log). */
  signerKeyFile?: string;
  batch?: LedgerOptions['batch'];
  /** Default: checkpointCadence() (LOCAL_CHECKPOINT_CADENCE unless the environment says otherwise). */
  checkpoint?: LedgerOptions['checkpoint'];
}

export interface LocalLedger {
  ledger: Ledger;
  /** The SQLite store behind its anchored high-water mark. */
  store: LedgerStore;
  personal: PersonalData;
  dir: string;
  close(): Promise<void>;
}

export function ledgerDir(dataDir: string): string {
  return path.join(dataDir, 'ledger');
}

/**
 * The embedded ledger of a data directory, opened on first use. Its reader signs the unsigned tail before it
 * answers for a checkpoint (checkpoints are signed on a cadence here), so every proof covers what it is asked.
 */
export function openLocalLedger(options: LocalLedgerOptions): LedgerHandle<LocalLedger> {
  return ledgerHandle(() => open(options), { signPending: true });
}

async function open(options: LocalLedgerOptions): Promise<LocalLedger> {
  const dir = ledgerDir(options.dataDir);
  const db = openDatabase(path.join(dir, 'ledger.db'));
  const keysDb = openDatabase(path.join(dir, 'subject-keys.db'));
  try {
    const store = new AnchoredLedgerStore(
      new SqliteLedgerStore(db),
      new FileHighWaterMark(path.join(dir, 'ledger.anchor')),
    );
    const origin = await store.origin(options.origin ?? process.env.VERDICT_LEDGER_ORIGIN ?? DEFAULT_ORIGIN);
    const signer = loadOrCreateSignerKey(options.signerKeyFile ?? path.join(dir, 'signer.key'), origin);
    const ledger = await Ledger.open({
      store,
      signer,
      origin,
      ...(options.batch ? { batch: options.batch } : {}),
      checkpoint: options.checkpoint ?? checkpointCadence(),
    });
    const personal = new PersonalData(
      loadOrCreateSecret(path.join(dir, 'pseudonym.key')),
      new SqliteSubjectKeyStore(keysDb),
    );
    return {
      ledger,
      store,
      personal,
      dir,
      close: async () => {
        await ledger.close();
        db.close();
        keysDb.close();
      },
    };
  } catch (error) {
    db.close();
    keysDb.close();
    throw error;
  }
}
