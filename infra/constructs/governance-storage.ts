/**
 * Everything Verdict keeps: one customer-managed KMS key, the decisions table (append-only), the
 * deployments table (the orchestrator's read model), the Powertools idempotency table, the governance bucket (AI-system profiles, evidence), the reports bucket
 * (exported reports, under Object Lock in `verdict:objectLockMode`) and the bucket that receives both buckets' server
 * access logs.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  DECISION_TABLE_KEYS,
  DECISION_TABLE_LIST_INDEX,
} from '../../functions/adapters/aws/decision-table-schema.ts';
import * as deploymentTableSchema from '../../functions/adapters/aws/deployment-table-schema.ts';
import type { ObjectLockMode } from '../../functions/contracts/environment.ts';
import { enforceWriteOnce, objectLockRetention, S3_MANAGED, secureBucket } from './secure-bucket.ts';
import { SigningKeyPolicy } from './signing-key-policy.ts';

/** Powertools idempotency's DynamoDB persistence layer defaults: key `id`, TTL attribute `expiration`. */
const IDEMPOTENCY_TABLE_KEY = 'id';
const IDEMPOTENCY_TTL_ATTRIBUTE = 'expiration';

/** functions/adapters/aws/dynamodb-report-job-store.ts: jobs keyed by `id`, expired by `expiresAt`. */
const REPORT_JOBS_TABLE_KEY = 'id';
const REPORT_JOBS_TTL_ATTRIBUTE = 'expiresAt';

/** Log groups of Verdict functions are named `/verdict/<stack name>/<function>`; the key serves only those. */
export function logGroupNamePrefix(scope: Construct): string {
  return `/verdict/${Stack.of(scope).stackName}/`;
}

export interface GovernanceStorageProps {
  /** Environment name, used in the key alias. */
  environment: string;
  /** RETAIN (and deletion protection) when true; DESTROY otherwise. */
  retainData: boolean;
  /** Days each report file stays locked. */
  reportRetentionDays: number;
  /** COMPLIANCE (nobody, root included, can shorten a lock) or GOVERNANCE (s3:BypassGovernanceRetention can). */
  objectLockMode: ObjectLockMode;
  /** `verdict:breakGlassRoleArn`: alone may delete, disable or re-policy the report signing key. */
  breakGlassRoleArn: string;
}

export class GovernanceStorage extends Construct {
  readonly key: kms.Key;
  readonly decisionsTable: dynamodb.Table;
  readonly idempotencyTable: dynamodb.Table;
  readonly reportJobsTable: dynamodb.Table;
  /** Deployments (the orchestrator's read model; the ledger is the record): compare-and-set on `version`. */
  readonly deploymentsTable: dynamodb.Table;
  readonly governanceBucket: s3.Bucket;
  readonly reportsBucket: s3.Bucket;
  readonly accessLogBucket: s3.Bucket;
  /** Signs report manifests (Ed25519); only the report worker may sign with it (see SigningKeyPolicy). */
  readonly reportSigningKey: kms.Key;
  readonly reportSigningKeyPolicy: SigningKeyPolicy;

  constructor(scope: Construct, id: string, props: GovernanceStorageProps) {
    super(scope, id);
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'Key', {
      description:
        'Verdict: encrypts the decisions and idempotency tables, the governance bucket, queues, the verdict event bus and function logs',
      alias: `alias/verdict/${props.environment}`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy,
    });
    // CloudWatch Logs encrypts only through a key policy grant; the encryption context pins it to Verdict's
    // own log groups (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsForVerdictLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: `${logGroupNamePrefix(this)}*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );

    // Its own key: the report worker must not hold the ledger's checkpoint key (it could mint checkpoints).
    this.reportSigningKey = new kms.Key(this, 'ReportSigningKey', {
      description: 'Verdict: signs report manifests (pure Ed25519, ED25519_SHA_512 over RAW messages)',
      alias: `alias/verdict/${props.environment}/report-signing`,
      keySpec: kms.KeySpec.ECC_NIST_EDWARDS25519,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      pendingWindow: Duration.days(30),
      removalPolicy,
    });
    this.reportSigningKeyPolicy = new SigningKeyPolicy(this.reportSigningKey, {
      breakGlassRoleArn: props.breakGlassRoleArn,
      deletableByStack: !props.retainData,
    });

    const tableDefaults = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.retainData,
      removalPolicy,
    } satisfies Partial<dynamodb.TableProps>;

    this.decisionsTable = new dynamodb.Table(this, 'DecisionsTable', {
      ...tableDefaults,
      partitionKey: { name: DECISION_TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: DECISION_TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      // Keys only: the tamper watch (DecisionTamperWatch) needs which record changed, not its content.
      stream: dynamodb.StreamViewType.KEYS_ONLY,
    });
    this.decisionsTable.addGlobalSecondaryIndex({
      indexName: DECISION_TABLE_LIST_INDEX.indexName,
      partitionKey: { name: DECISION_TABLE_LIST_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: DECISION_TABLE_LIST_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: projectionType(DECISION_TABLE_LIST_INDEX.projection),
    });

    this.idempotencyTable = new dynamodb.Table(this, 'IdempotencyTable', {
      ...tableDefaults,
      partitionKey: { name: IDEMPOTENCY_TABLE_KEY, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: IDEMPOTENCY_TTL_ATTRIBUTE,
    });

    this.reportJobsTable = new dynamodb.Table(this, 'ReportJobsTable', {
      ...tableDefaults,
      partitionKey: { name: REPORT_JOBS_TABLE_KEY, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: REPORT_JOBS_TTL_ATTRIBUTE,
    });

    this.deploymentsTable = new dynamodb.Table(this, 'DeploymentsTable', {
      ...tableDefaults,
      partitionKey: {
        name: deploymentTableSchema.DEPLOYMENT_TABLE_KEYS.partitionKey,
        type: dynamodb.AttributeType.STRING,
      },
    });
    for (const index of deploymentTableIndexes()) this.deploymentsTable.addGlobalSecondaryIndex(index);

    // S3 server access logging cannot deliver to a bucket whose default encryption is SSE-KMS: the target
    // bucket must use SSE-S3 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html).
    this.accessLogBucket = new s3.Bucket(this, 'AccessLogBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy,
    });
    const bucketDefaults = {
      key: this.key,
      accessLogBucket: this.accessLogBucket,
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy,
    };
    this.governanceBucket = secureBucket(this, 'GovernanceBucket', {
      ...bucketDefaults,
      accessLogsPrefix: 'governance-bucket/',
    });
    // Reports are records: every version is kept and locked for the retention period (in production in
    // COMPLIANCE mode, so no one can overwrite or delete a report before it ends). Downloads go through presigned GET URLs.
    // SSE-S3, not the Verdict key: a locked report must stay readable even if that key is deleted.
    this.reportsBucket = secureBucket(this, 'ReportsBucket', {
      ...bucketDefaults,
      key: S3_MANAGED,
      accessLogsPrefix: 'reports-bucket/',
      objectLockEnabled: true,
      objectLockDefaultRetention: objectLockRetention(props.objectLockMode, props.reportRetentionDays),
    });
    enforceWriteOnce(this.reportsBucket, props.retainData);
  }
}

/** A global secondary index as the table schema modules declare one. */
export interface IndexSchema {
  indexName: string;
  partitionKey: string;
  sortKey?: string;
  projection: string;
}

function isIndexSchema(value: unknown): value is IndexSchema {
  if (!value || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return typeof record.indexName === 'string' && typeof record.partitionKey === 'string';
}

/** Every index deployment-table-schema.ts exports, so an index added there is built without a change here. */
export function deploymentTableIndexes(): dynamodb.GlobalSecondaryIndexProps[] {
  return (Object.values(deploymentTableSchema) as unknown[]).filter(isIndexSchema).map((index) => ({
    indexName: index.indexName,
    partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
    ...(index.sortKey && { sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING } }),
    projectionType: projectionType(index.projection),
  }));
}

function projectionType(projection: string): dynamodb.ProjectionType {
  switch (projection) {
    case 'ALL':
      return dynamodb.ProjectionType.ALL;
    case 'KEYS_ONLY':
      return dynamodb.ProjectionType.KEYS_ONLY;
    default:
      throw new Error(`table schema: unsupported index projection "${projection}"`);
  }
}
