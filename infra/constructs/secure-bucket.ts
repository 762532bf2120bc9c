/**
 * A Verdict data bucket: SSE-KMS with the given key (bucket key on) or SSE-S3, public access blocked, bucket-owner
 * enforced, TLS 1.2+ only, versioned, server access logs to the access log bucket under `accessLogsPrefix`.
 * Anything else (Object Lock, lifecycle rules) is passed through. The access log bucket itself is not one: S3
 * cannot deliver access logs to an SSE-KMS bucket.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { ObjectLockMode } from '../../functions/contracts/environment.ts';

/**
 * SSE-S3: for Object Lock buckets. Locked evidence must stay readable for its whole retention, and a
 * customer key can be scheduled for deletion or disabled; the S3-owned key cannot.
 */
export const S3_MANAGED = 'S3_MANAGED';

export interface SecureBucketProps
  extends Omit<
    s3.BucketProps,
    | 'encryption'
    | 'encryptionKey'
    | 'bucketKeyEnabled'
    | 'blockPublicAccess'
    | 'objectOwnership'
    | 'enforceSSL'
    | 'minimumTLSVersion'
    | 'versioned'
    | 'serverAccessLogsBucket'
    | 'serverAccessLogsPrefix'
    | 'removalPolicy'
  > {
  key: kms.IKey | typeof S3_MANAGED;
  accessLogBucket: s3.IBucket;
  accessLogsPrefix: string;
  removalPolicy: RemovalPolicy;
}

export function secureBucket(
  scope: Construct,
  id: string,
  { key, accessLogBucket, accessLogsPrefix, removalPolicy, ...rest }: SecureBucketProps,
): s3.Bucket {
  return new s3.Bucket(scope, id, {
    ...(key === S3_MANAGED
      ? { encryption: s3.BucketEncryption.S3_MANAGED }
      : { encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true }),
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    serverAccessLogsBucket: accessLogBucket,
    serverAccessLogsPrefix: accessLogsPrefix,
    removalPolicy,
    ...rest,
  });
}

/** The default retention of an Object Lock bucket in the configured mode (`verdict:objectLockMode`). */
export function objectLockRetention(mode: ObjectLockMode, days: number): s3.ObjectLockRetention {
  const duration = Duration.days(days);
  return mode === 'COMPLIANCE'
    ? s3.ObjectLockRetention.compliance(duration)
    : s3.ObjectLockRetention.governance(duration);
}

/**
 * Every PutObject must carry If-None-Match (so nobody, whatever their IAM rights, overwrites an object
 * without first changing this policy, which CloudTrail records); with retainData, nobody deletes one either.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html
 */
export function enforceWriteOnce(bucket: s3.Bucket, retainData: boolean): void {
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'WriteOnceObjects',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects('*')],
      conditions: { Null: { 's3:if-none-match': 'true' } },
    }),
  );
  if (retainData)
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'KeepEveryVersion',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [bucket.arnForObjects('*')],
      }),
    );
}
