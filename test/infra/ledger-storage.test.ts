/**
 * The ledger's AWS resources and grants (infra/constructs/ledger-storage.ts), synthesized in a small stack of
 * their own with the cdk-nag AwsSolutions checks: append-only table, write-once buckets, Object Lock anchors,
 * the Ed25519 signing key, the subject keys, and least-privilege roles that cannot delete or rewrite.
 */
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { LEDGER_ENVIRONMENT } from '../../functions/shared/environment.ts';
import { CONTEXT_KEYS, configFromContext } from '../../infra/config.ts';
import {
  LEDGER_DENIED_BUCKET_ACTIONS,
  LEDGER_DENIED_TABLE_ACTIONS,
  LedgerStorage,
} from '../../infra/constructs/ledger-storage.ts';
import { asList, flat, type Json, logicalIdOf, resourcesOfType, type Statement } from './synth.ts';

/** Production defaults unless the context says otherwise (retainData is given separately). */
function build(context: Record<string, unknown> = {}, retainData = true) {
  const app = new App({ context: { [CONTEXT_KEYS.environment]: 'prod', ...context } });
  const config = configFromContext(app.node);
  const stack = new Stack(app, 'LedgerTest', { env: { account: '123456789012', region: 'eu-west-1' } });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const logs = new s3.Bucket(stack, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
  });
  NagSuppressions.addResourceSuppressions(logs, [
    { id: 'AwsSolutions-S1', reason: 'Test scaffolding: the access log bucket does not log itself.' },
  ]);
  const ledger = new LedgerStorage(stack, 'Ledger', {
    environment: 'dev',
    retainData,
    key,
    accessLogBucket: logs,
    checkpointRetentionDays: config.checkpointRetentionDays,
    objectLockMode: config.objectLockMode,
  });
  const role = (id: string) =>
    new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const gate = role('GateRole');
  const api = role('ApiRole');
  const eraser = role('EraserRole');
  ledger.grantAppend(gate);
  ledger.grantRead(api);
  ledger.grantSubjectKeys(eraser);
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  const template = Template.fromStack(stack);
  return { app, stack, ledger, key, gate, api, eraser, template };
}

const built = build();
const { stack, ledger, template } = built;
const resources = template.toJSON().Resources as Record<string, Json>;
const props = (construct: { node: { defaultChild?: unknown } }) =>
  (resources[logicalIdOf(stack, construct)] as { Properties: Json }).Properties;
const id = (construct: { node: { defaultChild?: unknown } }) => logicalIdOf(stack, construct);
const arnOf = (construct: { node: { defaultChild?: unknown } }) => `<${id(construct)}.Arn>`;

function statementsOf(role: iam.Role): Statement[] {
  const policies = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).filter((p) =>
    asList((p.Properties as { Roles: unknown[] }).Roles).some((r) => flat(r) === `<${id(role)}>`),
  );
  return policies.flatMap(
    (p) => (p.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement,
  );
}

function bucketPolicy(bucket: s3.Bucket): Statement[] {
  const policy = Object.values(resourcesOfType(template, 'AWS::S3::BucketPolicy')).find(
    (p) => flat((p.Properties as Json).Bucket) === `<${id(bucket)}>`,
  );
  if (!policy) throw new Error(`no bucket policy for ${id(bucket)}`);
  return (policy.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement;
}

describe('ledger storage', () => {
  it('keeps the ledger table append-only-ready: pk/sk strings, PITR, the Verdict key, protected', () => {
    expect(resources[id(ledger.table)]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      },
    });
    expect(flat(props(ledger.table).SSESpecification)).toContain(id(built.key));
  });

  it('makes the tiles bucket versioned, private, KMS-encrypted, logged and write-once for everyone', () => {
    expect(resources[id(ledger.tilesBucket)]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } },
          ],
        },
        LoggingConfiguration: { LogFilePrefix: 'ledger-tiles/' },
      },
    });
    expect(props(ledger.tilesBucket).ObjectLockEnabled).toBeUndefined();
    const statements = bucketPolicy(ledger.tilesBucket);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'WriteOnceObjects',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:PutObject',
        Condition: { Null: { 's3:if-none-match': 'true' } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'KeepEveryVersion',
        Effect: 'Deny',
        Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('anchors checkpoints under Object Lock COMPLIANCE for verdict:checkpointRetentionDays (default 3650 in prod; GOVERNANCE for 1 day in dev)', () => {
    expect(resources[id(ledger.anchorBucket)]).toMatchObject({
      Properties: {
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3650 } },
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { LogFilePrefix: 'ledger-anchor/' },
        // SSE-S3: no customer key whose deletion would make locked checkpoints unreadable.
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      },
    });
    expect(bucketPolicy(ledger.anchorBucket)).toContainEqual(
      expect.objectContaining({ Sid: 'WriteOnceObjects' }),
    );
    const custom = build({ [CONTEXT_KEYS.checkpointRetentionDays]: '400' });
    expect(
      (
        custom.template.toJSON().Resources[logicalIdOf(custom.stack, custom.ledger.anchorBucket)]
          .Properties as Json
      ).ObjectLockConfiguration,
    ).toMatchObject({ Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 400 } } });
    const dev = build({ [CONTEXT_KEYS.environment]: 'dev' }, false);
    expect(
      (dev.template.toJSON().Resources[logicalIdOf(dev.stack, dev.ledger.anchorBucket)].Properties as Json)
        .ObjectLockConfiguration,
    ).toMatchObject({ Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } });
    expect(dev.stack.resolve(dev.ledger.environment())).toMatchObject({
      [LEDGER_ENVIRONMENT.checkpointRetentionDays]: '1',
      [LEDGER_ENVIRONMENT.objectLockMode]: 'GOVERNANCE',
    });
    expect(() => build({ [CONTEXT_KEYS.checkpointRetentionDays]: 'forever' })).toThrow(
      'verdict:checkpointRetentionDays: must be a whole number of days from 1 to 36500 (got "forever")',
    );
  });

  it('signs with a KMS Ed25519 key (ECC_NIST_EDWARDS25519, SIGN_VERIFY)', () => {
    expect(resources[id(ledger.signingKey)]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { KeySpec: 'ECC_NIST_EDWARDS25519', KeyUsage: 'SIGN_VERIFY', PendingWindowInDays: 30 },
    });
    expect(props(ledger.signingKey).EnableKeyRotation).toBeUndefined();
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/verdict/dev/ledger-signing' });
  });

  it('keeps subject keys in their own table, wrapped by a rotating key; PITR keeps a deleted key 1 day', () => {
    expect(resources[id(ledger.subjectKeysTable)]).toMatchObject({
      Properties: {
        KeySchema: [{ AttributeName: 'subject', KeyType: 'HASH' }],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 1 },
        DeletionProtectionEnabled: true,
      },
    });
    expect(resources[id(ledger.subjectKeysKey)]).toMatchObject({ Properties: { EnableKeyRotation: true } });
  });

  it('gives the Lambda environment openAwsLedger reads', () => {
    const env = stack.resolve(ledger.environment({ subjectKeys: true })) as Record<string, unknown>;
    expect(Object.keys(env).sort()).toEqual(Object.values(LEDGER_ENVIRONMENT).sort());
    expect(flat(env[LEDGER_ENVIRONMENT.signingKeyId])).toBe(arnOf(ledger.signingKey));
    expect(flat(env[LEDGER_ENVIRONMENT.origin])).toBe(
      'verdict.aws/<AWS::AccountId>/<AWS::Region>/dev/ledger',
    );
    expect(Object.keys(ledger.environment())).not.toContain(LEDGER_ENVIRONMENT.subjectKeysTable);
  });

  it('names the ledger resources in stack outputs', () => {
    expect(Object.keys(template.toJSON().Outputs).sort()).toEqual(
      [
        'LedgerAnchorBucketName',
        'LedgerCheckpointRetentionDays',
        'LedgerOrigin',
        'LedgerSigningKeyArn',
        'LedgerTableName',
        'LedgerTilesBucketName',
        'SubjectKeysKeyArn',
        'SubjectKeysTableName',
      ].sort(),
    );
  });
});

describe('ledger IAM', () => {
  const table = arnOf(ledger.table);
  const tiles = arnOf(ledger.tilesBucket);
  const anchor = arnOf(ledger.anchorBucket);

  it('the writer: reads, puts and advances the head only; never deletes, never rewrites a bucket', () => {
    const statements = statementsOf(built.gate);
    const onTable = statements.filter((s) => asList(s.Resource).some((r) => flat(r) === table));
    expect(onTable.map((s) => [s.Sid, s.Effect, asList(s.Action).sort(), s.Condition ?? null])).toEqual([
      ['LedgerReadItems', 'Allow', ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'], null],
      ['LedgerPutItems', 'Allow', ['dynamodb:PutItem'], null],
      [
        'LedgerAdvanceHead',
        'Allow',
        ['dynamodb:UpdateItem'],
        { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['HEAD'] } },
      ],
      [
        'LedgerUpdatesOnlyTheHead',
        'Deny',
        ['dynamodb:UpdateItem'],
        { 'ForAnyValue:StringNotEquals': { 'dynamodb:LeadingKeys': ['HEAD'] } },
      ],
      [
        'LedgerNeverPutsTheHead',
        'Deny',
        ['dynamodb:PutItem'],
        { 'ForAnyValue:StringEquals': { 'dynamodb:LeadingKeys': ['HEAD'] } },
      ],
      ['LedgerIsAppendOnly', 'Deny', [...LEDGER_DENIED_TABLE_ACTIONS].sort(), null],
    ]);
    expect(LEDGER_DENIED_TABLE_ACTIONS).toContain('dynamodb:DeleteItem');

    const allowed = statements.filter((s) => s.Effect === 'Allow').flatMap((s) => asList(s.Action));
    for (const action of [
      'dynamodb:DeleteItem',
      's3:DeleteObject',
      's3:DeleteObjectVersion',
      's3:BypassGovernanceRetention',
    ])
      expect(allowed).not.toContain(action);

    const byId = new Map(statements.map((s) => [s.Sid, s]));
    expect(asList(byId.get('LedgerWriteTiles')?.Resource).map(flat)).toEqual([`${tiles}/*`]);
    expect(byId.get('LedgerAnchorCheckpoints')).toMatchObject({
      Action: ['s3:PutObject', 's3:PutObjectRetention'],
      Condition: { StringEquals: { 's3:object-lock-mode': 'COMPLIANCE' } },
    });
    expect(asList(byId.get('LedgerAnchorCheckpoints')?.Resource).map(flat)).toEqual([`${anchor}/*`]);
    expect(byId.get('LedgerBucketsAreWriteOnce')?.Effect).toBe('Deny');
    expect(asList(byId.get('LedgerBucketsAreWriteOnce')?.Action).sort()).toEqual(
      [...LEDGER_DENIED_BUCKET_ACTIONS].sort(),
    );
    expect(asList(byId.get('LedgerBucketsAreWriteOnce')?.Resource).map(flat).sort()).toEqual(
      [tiles, `${tiles}/*`, anchor, `${anchor}/*`].sort(),
    );
    expect(byId.get('LedgerSignCheckpoints')).toMatchObject({
      Action: 'kms:Sign',
      Condition: { StringEquals: { 'kms:SigningAlgorithm': 'ED25519_SHA_512', 'kms:MessageType': 'RAW' } },
    });
    expect(flat(byId.get('LedgerSignCheckpoints')?.Resource)).toBe(arnOf(ledger.signingKey));
    expect(byId.get('LedgerReadVerifierKey')).toMatchObject({ Action: 'kms:GetPublicKey' });
    // The storage key only through DynamoDB and S3; no subject keys for the writer.
    expect(byId.get('LedgerUseStorageKeyViaDynamoDB')?.Condition).toEqual({
      StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' },
    });
    expect(byId.get('LedgerUseStorageKeyViaS3')?.Condition).toEqual({
      StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
    });
    expect(
      statements.some((s) => asList(s.Resource).some((r) => flat(r) === arnOf(ledger.subjectKeysKey))),
    ).toBe(false);
  });

  it('the reader: reads the table and tiles, nothing else', () => {
    const allowed = [
      ...new Set(
        statementsOf(built.api)
          .filter((s) => s.Effect === 'Allow')
          .flatMap((s) => asList(s.Action)),
      ),
    ].sort();
    expect(allowed).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:Query',
        'kms:Decrypt',
        'kms:DescribeKey',
        's3:GetObject',
        's3:ListBucket',
      ].sort(),
    );
  });

  it('the eraser: subject key items, and the wrapping key only with the subject encryption context', () => {
    const statements = statementsOf(built.eraser);
    const wrap = statements.find((s) => s.Sid === 'LedgerWrapSubjectKeys');
    expect(wrap).toMatchObject({
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Condition: {
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['verdict:subject'] },
        Null: { 'kms:EncryptionContextKeys': 'false' },
      },
    });
    expect(statements.find((s) => s.Sid === 'LedgerSubjectKeyItems')?.Action).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
    ]);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('has no unsuppressed errors or warnings; wildcards are explained', () => {
    const annotations = Annotations.fromStack(stack);
    const format = (found: ReturnType<Annotations['findError']>) =>
      found.map((f) => `${f.id}: ${String(f.entry.data)}`);
    expect(format(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')))).toEqual([]);
    expect(format(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')))).toEqual([]);
    const suppressed = Object.values(resources).flatMap(
      (r) =>
        ((r.Metadata as Json | undefined)?.cdk_nag as { rules_to_suppress?: { id: string }[] } | undefined)
          ?.rules_to_suppress ?? [],
    );
    expect([...new Set(suppressed.map((s) => s.id))].sort()).toEqual([
      'AwsSolutions-IAM5',
      'AwsSolutions-S1',
    ]);
  });

  it('without retainData: DESTROY, no deletion protection, and deletes not denied by the bucket policy', () => {
    const dev = build({}, false);
    const devResources = dev.template.toJSON().Resources as Record<string, Json>;
    expect(devResources[logicalIdOf(dev.stack, dev.ledger.table)]).toMatchObject({
      DeletionPolicy: 'Delete',
      Properties: { DeletionProtectionEnabled: false },
    });
    const policies = JSON.stringify(resourcesOfType(dev.template, 'AWS::S3::BucketPolicy'));
    expect(policies).toContain('WriteOnceObjects');
    expect(policies).not.toContain('KeepEveryVersion');
  });
});
