/**
 * The audit ledger on AWS, wired from its parts (the counterpart of adapters/local/ledger/sqlite-ledger.ts):
 *
 *   ledger table (DynamoDB)     tree head, batches, entry ids, checkpoints, verifier keys   AwsLedgerStore
 *   tiles bucket (S3)           tiles, entry bundles, staged batches, checkpoints            write-once
 *   anchor bucket (S3)          checkpoints and verifier keys under Object Lock COMPLIANCE   CheckpointAnchor
 *   signing key (KMS)           Ed25519 (ECC_NIST_EDWARDS25519), signs checkpoints          KmsSigner
 *   subject keys table + key    per-subject data keys, KMS-wrapped, deletable              DynamoDbSubjectKeyStore
 *
 * The one way in: `openAwsLedger({ mode, clients })` in a Lambda function (the names come from its environment,
 * LEDGER_ENVIRONMENT and ledgerSchema in shared/environment.ts, set by the CDK stack, read when the ledger is first used), or with the names given
 * (tests, the CLI). `mode` is explicit: a `writer` sequences, signs and anchors; a `read-only` ledger (the
 * auditor API, the report worker) writes, signs and creates nothing. The result opens on first use and gives
 * the ledger's views (`audit` for gates, `reader` for the API and reports); see functions/ledger/ledger-handle.ts.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ObjectLockMode } from '../../../contracts/environment.ts';
import { isValidKeyName, parseVerifierKey } from '../../../ledger/core/note-keys.ts';
import { NoLogYetError } from '../../../ledger/errors.ts';
import { Ledger, type LedgerOptions } from '../../../ledger/ledger.ts';
import { type LedgerHandle, ledgerHandle } from '../../../ledger/ledger-handle.ts';
import { PersonalData } from '../../../ledger/personal-data.ts';
import type { Signer } from '../../../ledger/ports/signer.ts';
import type { SubjectKeyStore } from '../../../ledger/ports/subject-key-store.ts';
import {
  DEFAULT_CHECKPOINT_RETENTION_DAYS,
  LEDGER_ENVIRONMENT,
  ledgerSchema,
} from '../../../shared/environment.ts';
import { KmsSigner } from '../kms-signer.ts';
import { CheckpointAnchor, DEFAULT_ANCHOR_INTERVAL_MS } from './anchor.ts';
import { AwsLedgerStore, LedgerReadOnlyError, MAX_TRANSACTION_ENTRIES } from './store.ts';
import { DynamoDbSubjectKeyStore, PSEUDONYM_KEY_ITEM } from './subject-keys.ts';

export interface AwsLedgerClients {
  dynamodb: DynamoDBClient;
  s3: S3Client;
  kms: KMSClient;
}

/** A `writer` sequences, signs and anchors; a `read-only` ledger writes, signs and creates nothing. */
export type AwsLedgerMode = 'writer' | 'read-only';

/** A ledger configured from the Lambda environment (LEDGER_ENVIRONMENT), read when it is first opened. */
export interface AwsLedgerFromEnvironment {
  mode: AwsLedgerMode;
  clients: AwsLedgerClients;
  /** Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface AwsLedgerOptions {
  /**
   * `read-only` (the auditor API, the report worker): nothing is written, signed or anchored; the signer is a
   * stand-in for the log's newest verifier key that refuses to sign; reads stop at the newest published size.
   */
  mode: AwsLedgerMode;
  tableName: string;
  tilesBucket: string;
  /** Object Lock bucket for anchored checkpoints; none: checkpoints are not anchored. */
  anchorBucket?: string;
  /** The KMS Ed25519 key that signs checkpoints (ignored when `signer` is given). */
  signingKeyId?: string;
  /** The log's name in checkpoints and signature lines, fixed when the log is created. */
  origin: string;
  /** Compliance-mode retention of anchored checkpoints, in days (default 3650). */
  checkpointRetentionDays?: number;
  /** Object Lock mode of anchored checkpoints (default COMPLIANCE). */
  objectLockMode?: ObjectLockMode;
  /** Anchor at most once per interval per process (default one hour). */
  anchorIntervalMs?: number;
  subjectKeysTable?: string;
  /** The symmetric KMS key that wraps subject data keys. */
  dataKeyId?: string;
  /** HMAC key of subject pseudonyms; with it (and the subject keys) the result carries PersonalData. */
  pseudonymKey?: Uint8Array;
  clients: AwsLedgerClients;
  /** Another signer (tests, or a key held elsewhere); default: KmsSigner over signingKeyId. */
  signer?: Signer;
  /** Default: one DynamoDB transaction per batch (MAX_TRANSACTION_ENTRIES entries). */
  batch?: LedgerOptions['batch'];
  checkpoint?: LedgerOptions['checkpoint'];
  now?: () => Date;
}

export interface AwsLedger {
  ledger: Ledger;
  store: AwsLedgerStore;
  signer: Signer;
  subjectKeys?: SubjectKeyStore;
  personal?: PersonalData;
  close(): Promise<void>;
}

export class LedgerConfigurationError extends Error {
  override readonly name = 'LedgerConfigurationError';
}

/** The ledger on AWS, opened on first use (a failed open is retried by the next use). */
export function openAwsLedger(options: AwsLedgerOptions | AwsLedgerFromEnvironment): LedgerHandle<AwsLedger> {
  return ledgerHandle(() =>
    open(
      'tableName' in options
        ? options
        : awsLedgerOptionsFromEnvironment(options.mode, options.clients, options.env ?? process.env),
    ),
  );
}

async function open(options: AwsLedgerOptions): Promise<AwsLedger> {
  const { clients } = options;
  const readOnly = options.mode === 'read-only';
  const anchor =
    options.anchorBucket && !readOnly
      ? new CheckpointAnchor({
          s3: clients.s3,
          bucket: options.anchorBucket,
          retentionDays: options.checkpointRetentionDays ?? DEFAULT_CHECKPOINT_RETENTION_DAYS,
          ...(options.objectLockMode ? { mode: options.objectLockMode } : {}),
          intervalMs: options.anchorIntervalMs ?? DEFAULT_ANCHOR_INTERVAL_MS,
          ...(options.now ? { now: options.now } : {}),
        })
      : undefined;
  const store = new AwsLedgerStore({
    dynamodb: clients.dynamodb,
    s3: clients.s3,
    tableName: options.tableName,
    tilesBucket: options.tilesBucket,
    ...(anchor ? { anchor } : {}),
    ...(readOnly ? { readOnly: true } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const origin = await store.origin(options.origin);
  let signer = options.signer ?? (readOnly ? await readOnlySigner(store) : undefined);
  if (!signer) {
    if (!options.signingKeyId) throw new LedgerConfigurationError('no signer and no KMS signing key id');
    signer = await KmsSigner.create({ kms: clients.kms, keyId: options.signingKeyId, name: origin });
  }
  const ledger = await Ledger.open({
    store,
    signer,
    origin,
    batch: options.batch ?? { maxEntries: MAX_TRANSACTION_ENTRIES },
    ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const subjectKeys =
    options.subjectKeysTable && options.dataKeyId
      ? new DynamoDbSubjectKeyStore({
          dynamodb: clients.dynamodb,
          kms: clients.kms,
          tableName: options.subjectKeysTable,
          keyId: options.dataKeyId,
        })
      : undefined;
  // Without a given pseudonym key, the one every writer shares (subject-keys.ts); a reader creates none.
  const pseudonymKey =
    options.pseudonymKey ??
    (subjectKeys && !readOnly ? await subjectKeys.getOrCreate(PSEUDONYM_KEY_ITEM) : undefined);
  const personal = subjectKeys && pseudonymKey ? new PersonalData(pseudonymKey, subjectKeys) : undefined;
  return {
    ledger,
    store,
    signer,
    ...(subjectKeys ? { subjectKeys } : {}),
    ...(personal ? { personal } : {}),
    close: () => ledger.close(),
  };
}

/** Stands in for the log's newest key in a read-only ledger: it has the key's name and id, and signs nothing. */
async function readOnlySigner(store: AwsLedgerStore): Promise<Signer> {
  const vkey = (await store.verifierKeys()).at(-1);
  if (!vkey) throw new NoLogYetError(`the ledger table ${store.tableName} has no verifier key yet`);
  const { name, keyId } = parseVerifierKey(vkey);
  return {
    name,
    keyId,
    verifierKey: vkey,
    sign: async () => {
      throw new LedgerReadOnlyError('a read-only ledger signs no checkpoint');
    },
  };
}

/** Reads LEDGER_ENVIRONMENT; throws LedgerConfigurationError naming every missing or bad variable. */
export function awsLedgerOptionsFromEnvironment(
  mode: AwsLedgerMode,
  clients: AwsLedgerClients,
  env: NodeJS.ProcessEnv = process.env,
): AwsLedgerOptions {
  const parsed = ledgerSchema({ readOnly: mode === 'read-only' }, isValidKeyName).safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => issue.message);
    throw new LedgerConfigurationError(`ledger configuration: ${problems.join('; ')}`);
  }
  const {
    [LEDGER_ENVIRONMENT.tableName]: tableName,
    [LEDGER_ENVIRONMENT.tilesBucket]: tilesBucket,
    [LEDGER_ENVIRONMENT.signingKeyId]: signingKeyId,
    [LEDGER_ENVIRONMENT.origin]: origin,
    [LEDGER_ENVIRONMENT.checkpointRetentionDays]: retention,
    [LEDGER_ENVIRONMENT.objectLockMode]: objectLockMode,
    [LEDGER_ENVIRONMENT.anchorBucket]: anchorBucket,
    [LEDGER_ENVIRONMENT.subjectKeysTable]: subjectKeysTable,
    [LEDGER_ENVIRONMENT.dataKeyId]: dataKeyId,
  } = parsed.data;
  return {
    mode,
    tableName,
    tilesBucket,
    origin,
    ...(signingKeyId ? { signingKeyId } : {}),
    checkpointRetentionDays: retention,
    objectLockMode,
    clients,
    ...(anchorBucket ? { anchorBucket } : {}),
    ...(subjectKeysTable ? { subjectKeysTable } : {}),
    ...(dataKeyId ? { dataKeyId } : {}),
  };
}
