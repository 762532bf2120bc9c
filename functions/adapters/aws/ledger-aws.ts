/**
 * The audit ledger on AWS, wired from its parts (the counterpart of adapters/local/ledger-local.ts):
 *
 *   ledger table (DynamoDB)     tree head, batches, entry ids, checkpoints, verifier keys   AwsLedgerStore
 *   tiles bucket (S3)           tiles, entry bundles, staged batches, checkpoints            write-once
 *   anchor bucket (S3)          checkpoints and verifier keys under Object Lock COMPLIANCE   CheckpointAnchor
 *   signing key (KMS)           Ed25519 (ECC_NIST_EDWARDS25519), signs checkpoints          KmsSigner
 *   subject keys table + key    per-subject data keys, KMS-wrapped, deletable              DynamoDbSubjectKeyStore
 *
 * A Lambda function reads the names from its environment (LEDGER_ENVIRONMENT and ledgerSchema in
 * shared/environment.ts, set by the CDK stack): `openAwsLedger(awsLedgerOptionsFromEnvironment(clients))`,
 * once per cold start.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import { isValidKeyName, parseVerifierKey } from '../../ledger/core/note-keys.ts';
import { Ledger, type LedgerOptions } from '../../ledger/ledger.ts';
import { PersonalData } from '../../ledger/personal-data.ts';
import type { Signer } from '../../ledger/ports/signer.ts';
import type { SubjectKeyStore } from '../../ledger/ports/subject-key-store.ts';
import {
  DEFAULT_CHECKPOINT_RETENTION_DAYS,
  LEDGER_ENVIRONMENT,
  ledgerSchema,
} from '../../shared/environment.ts';
import { once } from '../../shared/once.ts';
import { KmsSigner } from './kms-signer.ts';
import { CheckpointAnchor, DEFAULT_ANCHOR_INTERVAL_MS } from './ledger-anchor.ts';
import { AwsLedgerStore, LedgerReadOnlyError, MAX_TRANSACTION_ENTRIES } from './ledger-aws-store.ts';
import { DynamoDbSubjectKeyStore, PSEUDONYM_KEY_ITEM } from './ledger-subject-keys.ts';

/** The ledger's variable names, for callers that set them (the CLI, tests). */
export { LEDGER_ENVIRONMENT } from '../../shared/environment.ts';

export interface AwsLedgerClients {
  dynamodb: DynamoDBClient;
  s3: S3Client;
  kms: KMSClient;
}

export interface AwsLedgerOptions {
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
  /**
   * Read only (the auditor API): nothing is written, signed or anchored; the signer is a stand-in for the
   * log's newest verifier key that refuses to sign; reads stop at the newest published tree size.
   */
  readOnly?: boolean;
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

export async function openAwsLedger(options: AwsLedgerOptions): Promise<AwsLedger> {
  const { clients } = options;
  const anchor =
    options.anchorBucket && !options.readOnly
      ? new CheckpointAnchor({
          s3: clients.s3,
          bucket: options.anchorBucket,
          retentionDays: options.checkpointRetentionDays ?? DEFAULT_CHECKPOINT_RETENTION_DAYS,
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
    ...(options.readOnly ? { readOnly: true } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const origin = await store.origin(options.origin);
  let signer = options.signer ?? (options.readOnly ? await readOnlySigner(store) : undefined);
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
  // Without a given pseudonym key, the one every writer shares (ledger-subject-keys.ts); a reader creates none.
  const pseudonymKey =
    options.pseudonymKey ??
    (subjectKeys && !options.readOnly ? await subjectKeys.getOrCreate(PSEUDONYM_KEY_ITEM) : undefined);
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
  if (!vkey) throw new LedgerReadOnlyError(`the ledger table ${store.tableName} has no verifier key yet`);
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
  clients: AwsLedgerClients,
  env: NodeJS.ProcessEnv = process.env,
  mode: { readOnly?: boolean } = {},
): AwsLedgerOptions {
  const parsed = ledgerSchema(mode, isValidKeyName).safeParse(env);
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
    [LEDGER_ENVIRONMENT.anchorBucket]: anchorBucket,
    [LEDGER_ENVIRONMENT.subjectKeysTable]: subjectKeysTable,
    [LEDGER_ENVIRONMENT.dataKeyId]: dataKeyId,
  } = parsed.data;
  return {
    tableName,
    tilesBucket,
    origin,
    ...(signingKeyId ? { signingKeyId } : {}),
    ...(mode.readOnly ? { readOnly: true } : {}),
    checkpointRetentionDays: retention,
    clients,
    ...(anchorBucket ? { anchorBucket } : {}),
    ...(subjectKeysTable ? { subjectKeysTable } : {}),
    ...(dataKeyId ? { dataKeyId } : {}),
  };
}

/**
 * The ledger a Lambda function opens on first use, configured from its environment. The clients are the
 * function's own (created once per cold start); a failed open is retried on the next call.
 */
export function lambdaLedger(
  clients: AwsLedgerClients,
  mode: { readOnly?: boolean } = {},
): () => Promise<Ledger> {
  return once(
    async () => (await openAwsLedger(awsLedgerOptionsFromEnvironment(clients, process.env, mode))).ledger,
  );
}
