/**
 * The audit ledger's AWS resources (see functions/adapters/aws/ledger/open.ts) and the grants to use them:
 *
 * - the ledger table: tree head, batches, entry ids, checkpoints (append-only; PITR, the Verdict key,
 *   deletion protection with retainData);
 * - the tiles bucket: tiles, entry bundles, staged batches, checkpoints, all write-once: versioned (an
 *   overwrite or delete leaves a trace the write-once audit finds), and its policy refuses any PutObject
 *   without `If-None-Match`, whoever sends it;
 * - the anchor bucket: signed checkpoints and verifier keys under Object Lock in `verdict:objectLockMode`
 *   (COMPLIANCE in production) for `verdict:checkpointRetentionDays` (3650 in production, 1 elsewhere), also
 *   If-None-Match only; SSE-S3, so no customer key's deletion can make them unreadable;
 * - the signing key: KMS ECC_NIST_EDWARDS25519 / SIGN_VERIFY; its public key is the log's verifier key; its
 *   key policy lets only the appending role (the gate) sign, and only the break-glass role delete or disable
 *   it (SigningKeyPolicy);
 * - the subject keys table and the symmetric key that wraps subject data keys (mutable by design: erasure
 *   deletes an item; point-in-time recovery keeps a deleted key 1 day, then the erasure is final).
 *
 * Writers get conditional writes only: PutItem anywhere but the head, UpdateItem only on the head
 * (`dynamodb:LeadingKeys`), never DeleteItem; PutObject (If-None-Match enforced by the bucket policies), never
 * DeleteObject; kms:Sign with ED25519_SHA_512 over RAW messages only.
 */
import { Aws, CfnOutput, type CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  KMS_SIGNING_ALGORITHM,
  SUBJECT_ENCRYPTION_CONTEXT_KEY,
} from '../../functions/adapters/aws/kms-usage.ts';
import {
  HEAD_PARTITION,
  LEDGER_TABLE_KEYS,
  SUBJECT_KEYS_TABLE_KEYS,
} from '../../functions/adapters/aws/ledger/table-schema.ts';
import type { ObjectLockMode } from '../../functions/contracts/environment.ts';
import { LEDGER_ENVIRONMENT, type LedgerVariables } from '../../functions/shared/environment.ts';
import { enforceWriteOnce, objectLockRetention, S3_MANAGED, secureBucket } from './secure-bucket.ts';
import { SigningKeyPolicy } from './signing-key-policy.ts';

/** Days point-in-time recovery keeps a destroyed subject key restorable (DynamoDB allows 1 to 35). */
const SUBJECT_KEYS_RECOVERY_DAYS = 1;

/** Item writes that would change or remove ledger data other than by the head's compare-and-set. */
export const LEDGER_DENIED_TABLE_ACTIONS = [
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
  'dynamodb:DeleteTable',
  'dynamodb:UpdateTable',
] as const;

/** What no ledger role may do to the tiles or anchor bucket, or to the objects in them. */
export const LEDGER_DENIED_BUCKET_ACTIONS = [
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:BypassGovernanceRetention',
  's3:PutBucketObjectLockConfiguration',
  's3:PutBucketVersioning',
  's3:PutLifecycleConfiguration',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
] as const;

export interface LedgerStorageProps {
  /** Environment name: in key aliases and the default origin. */
  environment: string;
  /** RETAIN, deletion protection and a bucket policy that denies deletes when true; DESTROY otherwise. */
  retainData: boolean;
  /** The Verdict key: encrypts the tables and buckets. */
  key: kms.IKey;
  /** Receives the server access logs of both buckets (SSE-S3). */
  accessLogBucket: s3.IBucket;
  /** Object Lock retention of anchored checkpoints, in days. */
  checkpointRetentionDays: number;
  /** Object Lock mode of the anchor bucket and of the checkpoints written to it. */
  objectLockMode: ObjectLockMode;
  /** The log's origin (its name in checkpoints); default `verdict.aws/<account>/<region>/<environment>/ledger`. */
  origin?: string;
  /** `verdict:breakGlassRoleArn`: alone may delete, disable or re-policy the signing key ("" for none). */
  breakGlassRoleArn?: string;
}

export class LedgerStorage extends Construct {
  readonly table: dynamodb.Table;
  readonly tilesBucket: s3.Bucket;
  readonly anchorBucket: s3.Bucket;
  readonly signingKey: kms.Key;
  /** Only the roles given grantAppend may sign checkpoints: the key policy says so, not only IAM. */
  readonly signingKeyPolicy: SigningKeyPolicy;
  readonly subjectKeysTable: dynamodb.Table;
  readonly subjectKeysKey: kms.Key;
  readonly origin: string;
  readonly checkpointRetentionDays: number;
  readonly objectLockMode: ObjectLockMode;
  readonly #key: kms.IKey;

  constructor(scope: Construct, id: string, props: LedgerStorageProps) {
    super(scope, id);
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.#key = props.key;
    this.checkpointRetentionDays = props.checkpointRetentionDays;
    this.objectLockMode = props.objectLockMode;
    this.origin = props.origin ?? `verdict.aws/${Aws.ACCOUNT_ID}/${Aws.REGION}/${props.environment}/ledger`;

    const tableDefaults = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      deletionProtection: props.retainData,
      removalPolicy,
    } satisfies Partial<dynamodb.TableProps>;
    this.table = new dynamodb.Table(this, 'Table', {
      ...tableDefaults,
      partitionKey: { name: LEDGER_TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: LEDGER_TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });

    const bucketDefaults = { key: props.key, accessLogBucket: props.accessLogBucket, removalPolicy };
    this.tilesBucket = secureBucket(this, 'TilesBucket', {
      ...bucketDefaults,
      accessLogsPrefix: 'ledger-tiles/',
    });
    // SSE-S3: locked checkpoints must stay readable for their retention whatever happens to the Verdict key.
    this.anchorBucket = secureBucket(this, 'AnchorBucket', {
      ...bucketDefaults,
      key: S3_MANAGED,
      accessLogsPrefix: 'ledger-anchor/',
      objectLockEnabled: true,
      objectLockDefaultRetention: objectLockRetention(props.objectLockMode, props.checkpointRetentionDays),
    });
    for (const bucket of [this.tilesBucket, this.anchorBucket]) enforceWriteOnce(bucket, props.retainData);

    this.signingKey = new kms.Key(this, 'SigningKey', {
      description:
        'Verdict audit ledger: signs checkpoints (pure Ed25519, ED25519_SHA_512 over RAW messages)',
      alias: `alias/verdict/${props.environment}/ledger-signing`,
      keySpec: kms.KeySpec.ECC_NIST_EDWARDS25519,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      pendingWindow: Duration.days(30),
      removalPolicy,
    });
    this.signingKeyPolicy = new SigningKeyPolicy(this.signingKey, {
      breakGlassRoleArn: props.breakGlassRoleArn ?? '',
      deletableByStack: !props.retainData,
    });

    this.subjectKeysKey = new kms.Key(this, 'SubjectKeysKey', {
      description: 'Verdict audit ledger: wraps per-subject data keys (erasure deletes the wrapped key)',
      alias: `alias/verdict/${props.environment}/subject-keys`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy,
    });
    this.subjectKeysTable = new dynamodb.Table(this, 'SubjectKeysTable', {
      ...tableDefaults,
      partitionKey: { name: SUBJECT_KEYS_TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      pointInTimeRecoverySpecification: {
        pointInTimeRecoveryEnabled: true,
        recoveryPeriodInDays: SUBJECT_KEYS_RECOVERY_DAYS,
      },
    });

    const outputs: Record<string, [string, string]> = {
      LedgerTableName: [this.table.tableName, 'Audit ledger: tree head, batches, ids, checkpoints'],
      LedgerTilesBucketName: [
        this.tilesBucket.bucketName,
        'Audit ledger: write-once tiles (C2SP tlog-tiles)',
      ],
      LedgerAnchorBucketName: [
        this.anchorBucket.bucketName,
        `Audit ledger: checkpoints/<size> and vkeys/<key id> under Object Lock ${props.objectLockMode}`,
      ],
      LedgerSigningKeyArn: [
        this.signingKey.keyArn,
        'Audit ledger signing key (Ed25519): the verifier key is its public key, see vkeys/ in the anchor bucket',
      ],
      LedgerOrigin: [this.origin, 'Audit ledger origin: the key name in checkpoints'],
      LedgerCheckpointRetentionDays: [
        String(props.checkpointRetentionDays),
        'Days each anchored checkpoint stays under Object Lock',
      ],
      SubjectKeysTableName: [
        this.subjectKeysTable.tableName,
        'Per-subject data keys, KMS-wrapped (verdict forget --stack deletes one)',
      ],
      SubjectKeysKeyArn: [this.subjectKeysKey.keyArn, 'KMS key that wraps the subject data keys'],
    };
    for (const [name, [value, description]] of Object.entries(outputs))
      new CfnOutput(Stack.of(this), name, { value, description });
  }

  /** The variables openAwsLedger reads (LEDGER_ENVIRONMENT); subject keys only when granted. */
  environment(options: { subjectKeys?: boolean } = {}): LedgerVariables {
    return {
      [LEDGER_ENVIRONMENT.tableName]: this.table.tableName,
      [LEDGER_ENVIRONMENT.tilesBucket]: this.tilesBucket.bucketName,
      [LEDGER_ENVIRONMENT.anchorBucket]: this.anchorBucket.bucketName,
      [LEDGER_ENVIRONMENT.signingKeyId]: this.signingKey.keyArn,
      [LEDGER_ENVIRONMENT.origin]: this.origin,
      [LEDGER_ENVIRONMENT.checkpointRetentionDays]: String(this.checkpointRetentionDays),
      [LEDGER_ENVIRONMENT.objectLockMode]: this.objectLockMode,
      ...(options.subjectKeys
        ? {
            [LEDGER_ENVIRONMENT.subjectKeysTable]: this.subjectKeysTable.tableName,
            [LEDGER_ENVIRONMENT.dataKeyId]: this.subjectKeysKey.keyArn,
          }
        : {}),
    };
  }

  /** Sequencing, publishing tiles, signing and anchoring checkpoints: conditional writes only. */
  grantAppend(role: iam.IRole): void {
    this.#grantReadTable(role, 'LedgerReadItems');
    const add = (statement: iam.PolicyStatement) => role.addToPrincipalPolicy(statement);
    add(
      new iam.PolicyStatement({
        sid: 'LedgerPutItems',
        actions: ['dynamodb:PutItem'],
        resources: [this.table.tableArn],
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'LedgerAdvanceHead',
        actions: ['dynamodb:UpdateItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [HEAD_PARTITION] } },
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'LedgerUpdatesOnlyTheHead',
        effect: iam.Effect.DENY,
        actions: ['dynamodb:UpdateItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAnyValue:StringNotEquals': { 'dynamodb:LeadingKeys': [HEAD_PARTITION] } },
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'LedgerNeverPutsTheHead',
        effect: iam.Effect.DENY,
        actions: ['dynamodb:PutItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAnyValue:StringEquals': { 'dynamodb:LeadingKeys': [HEAD_PARTITION] } },
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'LedgerIsAppendOnly',
        effect: iam.Effect.DENY,
        actions: [...LEDGER_DENIED_TABLE_ACTIONS],
        resources: [this.table.tableArn],
      }),
    );
    this.#grantReadTiles(role);
    add(
      new iam.PolicyStatement({
        sid: 'LedgerWriteTiles',
        actions: ['s3:PutObject'],
        resources: [this.tilesBucket.arnForObjects('*')],
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'LedgerAnchorCheckpoints',
        actions: ['s3:PutObject', 's3:PutObjectRetention'],
        resources: [this.anchorBucket.arnForObjects('*')],
        conditions: { StringEquals: { 's3:object-lock-mode': this.objectLockMode } },
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'LedgerReadAnchors',
        actions: ['s3:GetObject'],
        resources: [this.anchorBucket.arnForObjects('*')],
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'LedgerBucketsAreWriteOnce',
        effect: iam.Effect.DENY,
        actions: [...LEDGER_DENIED_BUCKET_ACTIONS],
        resources: [this.tilesBucket, this.anchorBucket].flatMap((b) => [b.bucketArn, b.arnForObjects('*')]),
      }),
    );
    this.signingKeyPolicy.allowSigner(role);
    add(
      new iam.PolicyStatement({
        sid: 'LedgerSignCheckpoints',
        actions: ['kms:Sign'],
        resources: [this.signingKey.keyArn],
        conditions: {
          StringEquals: { 'kms:SigningAlgorithm': KMS_SIGNING_ALGORITHM, 'kms:MessageType': 'RAW' },
        },
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'LedgerReadVerifierKey',
        actions: ['kms:GetPublicKey'],
        resources: [this.signingKey.keyArn],
      }),
    );
    this.#grantStorageKey(role, 'LedgerUseStorageKey', [
      'kms:Decrypt',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'kms:DescribeKey',
    ]);
    this.#suppressObjectWildcards(role, [this.tilesBucket, this.anchorBucket]);
  }

  /** Reading entries, tiles, checkpoints and proofs (openAwsLedger in read-only mode). */
  grantRead(role: iam.IRole): void {
    this.#grantReadTable(role, 'LedgerReadItemsOnly');
    this.#grantReadTiles(role);
    this.#grantStorageKey(role, 'LedgerDecryptStorage', ['kms:Decrypt', 'kms:DescribeKey']);
    this.#suppressObjectWildcards(role, [this.tilesBucket]);
  }

  /**
   * Creating and reading subject data keys (sealing personal data), and destroying them (erasure) unless
   * `destroy: false`: a function that only seals cannot forget anyone.
   */
  grantSubjectKeys(role: iam.IRole, options: { destroy?: boolean } = {}): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'LedgerSubjectKeyItems',
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          ...(options.destroy === false ? [] : ['dynamodb:DeleteItem']),
        ],
        resources: [this.subjectKeysTable.tableArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'LedgerWrapSubjectKeys',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.subjectKeysKey.keyArn],
        conditions: {
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [SUBJECT_ENCRYPTION_CONTEXT_KEY] },
          Null: { 'kms:EncryptionContextKeys': 'false' },
        },
      }),
    );
    this.#grantStorageKey(role, 'LedgerUseSubjectTableKey', [
      'kms:Decrypt',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'kms:DescribeKey',
    ]);
  }

  #grantReadTable(role: iam.IRole, sid: string): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid,
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
        resources: [this.table.tableArn],
      }),
    );
  }

  #grantReadTiles(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'LedgerReadTiles',
        actions: ['s3:GetObject'],
        resources: [this.tilesBucket.arnForObjects('*')],
      }),
    );
    // Without ListBucket, S3 answers 403 for a missing key: an unpublished tile must read as missing (404).
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'LedgerListTiles',
        actions: ['s3:ListBucket'],
        resources: [this.tilesBucket.bucketArn],
      }),
    );
  }

  /** The Verdict key, only as DynamoDB and S3 use it for the ledger's tables and buckets. */
  #grantStorageKey(role: iam.IRole, sid: string, actions: string[]): void {
    const region = Stack.of(this).region;
    for (const [service, suffix] of [
      ['dynamodb', 'ViaDynamoDB'],
      ['s3', 'ViaS3'],
    ] as const)
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: `${sid}${suffix}`,
          actions,
          resources: [this.#key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `${service}.${region}.amazonaws.com` } },
        }),
      );
  }

  #suppressObjectWildcards(role: iam.IRole, buckets: s3.Bucket[]): void {
    const stack = Stack.of(this);
    NagSuppressions.addResourceSuppressions(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Objects of the ledger buckets only: tile and checkpoint keys are derived from the tree size at run time; writes are If-None-Match only (bucket policy) and deletes are denied.',
          appliesTo: buckets.map(
            (b) => `Resource::<${stack.getLogicalId(b.node.defaultChild as CfnResource)}.Arn>/*`,
          ),
        },
      ],
      true,
    );
  }
}
