import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DECISION_TABLE_KEYS,
  DECISION_TABLE_LIST_INDEX,
} from '../../functions/adapters/aws/decision-table-schema.ts';
import { OPTIONAL_STACK_OUTPUTS, REQUIRED_STACK_OUTPUTS } from '../../functions/contracts/deployed-stack.ts';
import { DECISION_EVENT } from '../../functions/contracts/verdict-decision-event.ts';
import { readModelRegistryGateEnvironment } from '../../functions/gates/model-registry/environment.ts';
import { readReportWorkerEnvironment } from '../../functions/reports/environment.ts';
import { PDFKIT_DIRNAME_BANNER, PDFKIT_FONT_FILES } from '../../functions/reports/formats/pdf-bundling.ts';
import {
  type FunctionName,
  functions,
  REPORT_REQUESTED_EVENT,
  type Route,
  routes,
} from '../../functions/routes.ts';
import { ruleNameFor, toCdkEventPattern } from '../../infra/constructs/event-routing.ts';
import {
  ESM_REQUIRE_BANNER,
  missingPolicyBundleMessage,
  PDFKIT_FONTS_IN_PACKAGE,
  POLICY_BUNDLE_RUNTIME_PATH,
  pdfkitFontDirectory,
} from '../../infra/constructs/verdict-function.ts';
import { DECISION_MUTATING_ACTIONS, VERDICT_EVENT_SOURCE } from '../../infra/function-permissions.ts';
import { verdictBusName } from '../../infra/verdict-stack.ts';
import {
  asList,
  buildApp,
  flat,
  identityStatements,
  type Json,
  logicalIdOf,
  NO_BUNDLING,
  resourcesOfType,
  type Statement,
  type Synthesized,
  standInPolicyBundle,
  synth,
} from './synth.ts';

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const CUSTOM_CONTEXT = {
  'verdict:environment': 'staging',
  // The string forms `cdk deploy -c key=value` passes.
  'verdict:evidenceBucketNames': 'acme-ml-evidence,acme-clarify-reports',
  'verdict:evidenceKmsKeyArns': JSON.stringify([KEY_ARN]),
  'verdict:modelPackageGroupPrefix': 'credit-',
  'verdict:retainData': 'false',
};
/** The dev environment kept and locked as production is (prod's defaults for these keys, set explicitly). */
const RETAINED_CONTEXT = { 'verdict:retainData': true, 'verdict:objectLockMode': 'COMPLIANCE' };
const FUNCTION_NAMES = Object.keys(functions) as FunctionName[];
/** The gates: they publish `Verdict Decision` events. */
const GATE_NAMES: FunctionName[] = ['model-registry-gate'];
/** The functions that evaluate policies: they carry the policy bundle and append to the ledger. */
const POLICY_NAMES: FunctionName[] = ['model-registry-gate', 'deployment-orchestrator'];

let policy: ReturnType<typeof standInPolicyBundle>;
let base: Synthesized;
let custom: Synthesized;

// Two synths with real esbuild bundling: well past vitest's default 10 s hook timeout on a busy machine.
beforeAll(() => {
  policy = standInPolicyBundle();
  base = synth(RETAINED_CONTEXT, { policyBundlePath: policy.path });
  custom = synth(CUSTOM_CONTEXT, { policyBundlePath: policy.path });
}, 180_000);

function keyRef(s: Synthesized): Json {
  return { 'Fn::GetAtt': [logicalIdOf(s.stack, s.stack.storage.key), 'Arn'] };
}

function rules(s: Synthesized): Json[] {
  return Object.values(resourcesOfType(s.template, 'AWS::Events::Rule')).map((r) => r.Properties as Json);
}

function ruleFor(s: Synthesized, route: Pick<Route, 'id'>): Json {
  const rule = rules(s).find((r) => r.Name === ruleNameFor(route, s.stack.config.environment));
  if (!rule) throw new Error(`no rule for route ${route.id}`);
  return rule;
}

function functionProps(s: Synthesized, name: FunctionName): Json {
  const gate = s.stack.functions[name];
  return s.template.toJSON().Resources[logicalIdOf(s.stack, gate.function)].Properties as Json;
}

function statementsWithResource(s: Synthesized, predicate: (resource: string) => boolean): Statement[] {
  return identityStatements(s.template).filter((st) => asList(st.Resource).some((r) => predicate(flat(r))));
}

describe('event routing: one rule per route, exactly the route table', () => {
  it('has one rule per route and nothing else', () => {
    expect(rules(base).map((r) => r.Name)).toEqual(routes.map((route) => ruleNameFor(route, 'dev')));
    expect(rules(custom).map((r) => r.Name)).toEqual(routes.map((route) => ruleNameFor(route, 'staging')));
    expect(ruleNameFor({ id: 'report-requested' }, 'staging')).toBe('verdict-staging-report-requested');
  });

  it.each(routes.map((route) => [route.id, route] as const))('%s: pattern, bus and target', (_id, route) => {
    const rule = ruleFor(base, route);
    // JSON round trip: the template holds plain JSON, the route table may hold readonly literals.
    expect(rule.EventPattern).toEqual(JSON.parse(JSON.stringify(route.pattern)));
    expect(rule.Description).toBe(route.description);
    if (route.bus === 'default') expect(rule.EventBusName).toBeUndefined();
    else expect(rule.EventBusName).toEqual({ Ref: logicalIdOf(base.stack, base.stack.verdictBus) });

    const targets = rule.Targets as Json[];
    expect(targets).toHaveLength(1);
    const [target] = targets as [Json];
    const fn = base.stack.functions[route.target].function;
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [logicalIdOf(base.stack, fn), 'Arn'] });
    expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 8 });
    const dlq = base.stack.routing.deadLetterQueue(route.id);
    expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [logicalIdOf(base.stack, dlq), 'Arn'] } });
  });

  it('lets EventBridge invoke each target only from its rule', () => {
    const permissions = Object.values(resourcesOfType(base.template, 'AWS::Lambda::Permission'))
      .map((p) => p.Properties as Json)
      .filter((p) => p.Principal !== 'apigateway.amazonaws.com'); // the auditor API's: auditor-api.test.ts
    expect(permissions).toHaveLength(routes.length);
    for (const p of permissions) {
      expect(p).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com' });
      expect(p.SourceArn).toBeDefined();
    }
  });

  it('lets EventBridge use the key for each rule DLQ, and only for that rule', () => {
    const key = Object.values(resourcesOfType(base.template, 'AWS::KMS::Key'))[0] as Json;
    const statements = (key.Properties as { KeyPolicy: { Statement: Statement[] } }).KeyPolicy.Statement;
    for (const route of routes) {
      const ruleName = ruleNameFor(route, 'dev');
      const path = route.bus === 'default' ? ruleName : `${verdictBusName('dev')}/${ruleName}`;
      const grant = statements.find((st) =>
        flat((st.Condition?.ArnEquals as Json | undefined)?.['aws:SourceArn']).endsWith(`:rule/${path}`),
      );
      expect(grant).toMatchObject({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      });
    }
  });

  it('puts verdict-bus routes on the verdict bus', () => {
    const route: Route = {
      id: 'decision-recorded',
      description: 'test route on the verdict bus',
      bus: 'verdict',
      pattern: { source: ['verdict'], 'detail-type': ['Verdict Decision'], detail: { decision: ['deny'] } },
      target: 'model-registry-gate',
    };
    const { stack } = buildApp(NO_BUNDLING, { routes: [route] });
    const template = Template.fromStack(stack).toJSON();
    const rule = Object.values(template.Resources as Record<string, Json>).find(
      (r) => r.Type === 'AWS::Events::Rule',
    ) as Json;
    expect(rule.Properties).toMatchObject({
      Name: 'verdict-dev-decision-recorded',
      EventBusName: { Ref: logicalIdOf(stack, stack.verdictBus) },
      EventPattern: route.pattern,
    });
    const keyPolicy = JSON.stringify(template.Resources[logicalIdOf(stack, stack.storage.key)]);
    expect(keyPolicy).toContain(':rule/verdict-dev/verdict-dev-decision-recorded');
  });

  it('renames only detail-type for the CDK', () => {
    expect(
      toCdkEventPattern({ source: ['a'], 'detail-type': ['b'], detail: { 'detail-type': ['c'] } }),
    ).toEqual({
      source: ['a'],
      detailType: ['b'],
      detail: { 'detail-type': ['c'] },
    });
  });
});

describe('the verdict bus', () => {
  it('is the custom bus "verdict-<environment>", encrypted with the Verdict key', () => {
    base.template.resourceCountIs('AWS::Events::EventBus', 1);
    custom.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'verdict-staging' });
    base.template.hasResourceProperties('AWS::Events::EventBus', {
      Name: 'verdict-dev',
      KmsKeyIdentifier: keyRef(base),
    });
    expect(VERDICT_EVENT_SOURCE).toBe(DECISION_EVENT.source);
  });
});

describe('storage', () => {
  it('has one customer-managed key with rotation, besides the two signing keys and the subject keys key', () => {
    const { ledger } = base.stack;
    base.template.resourceCountIs('AWS::KMS::Key', 4);
    const resources = base.template.toJSON().Resources;
    expect(resources[logicalIdOf(base.stack, base.stack.storage.key)]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { EnableKeyRotation: true },
    });
    expect(resources[logicalIdOf(base.stack, ledger.signingKey)].Properties.KeySpec).toBe(
      'ECC_NIST_EDWARDS25519',
    );
    expect(resources[logicalIdOf(base.stack, ledger.subjectKeysKey)].Properties.EnableKeyRotation).toBe(true);
    expect(resources[logicalIdOf(base.stack, base.stack.storage.reportSigningKey)].Properties.KeySpec).toBe(
      'ECC_NIST_EDWARDS25519',
    );
  });

  it('creates the decisions table from the adapter schema: append-only by IAM, PITR, CMK, protected', () => {
    const id = logicalIdOf(base.stack, base.stack.storage.decisionsTable);
    const table = base.template.toJSON().Resources[id];
    expect(table).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyRef(base) },
        KeySchema: [
          { AttributeName: DECISION_TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: DECISION_TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: DECISION_TABLE_LIST_INDEX.indexName,
            KeySchema: [
              { AttributeName: DECISION_TABLE_LIST_INDEX.partitionKey, KeyType: 'HASH' },
              { AttributeName: DECISION_TABLE_LIST_INDEX.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: DECISION_TABLE_LIST_INDEX.projection },
          },
        ],
      },
    });
  });

  it('creates the idempotency table Powertools expects', () => {
    const id = logicalIdOf(base.stack, base.stack.storage.idempotencyTable);
    expect(base.template.toJSON().Resources[id]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyRef(base) },
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      },
    });
  });

  it('keeps the governance bucket private, SSE-KMS, versioned, logged, retained', () => {
    const { governanceBucket, accessLogBucket } = base.stack.storage;
    const resources = base.template.toJSON().Resources;
    expect(resources[logicalIdOf(base.stack, governanceBucket)]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyRef(base) },
            },
          ],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: logicalIdOf(base.stack, accessLogBucket) } },
      },
    });
    // Access-log targets cannot use SSE-KMS default encryption: the log bucket uses SSE-S3.
    expect(resources[logicalIdOf(base.stack, accessLogBucket)]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
      },
    });
  });

  it('denies every non-TLS request to every bucket', () => {
    const policies = Object.values(resourcesOfType(base.template, 'AWS::S3::BucketPolicy'));
    // Access logs, governance, reports, and the ledger's tiles and anchor buckets.
    expect(policies).toHaveLength(5);
    for (const policy of policies) {
      const statements = (policy.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument
        .Statement;
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('encrypts every queue with the key, keeps messages 14 days, and denies non-TLS access', () => {
    const queues = Object.values(resourcesOfType(base.template, 'AWS::SQS::Queue'));
    // Rule DLQs, function failure queues, the bus DLQ and the tamper-watch queue.
    expect(queues).toHaveLength(routes.length + FUNCTION_NAMES.length + 2);
    for (const queue of queues) {
      expect(queue.Properties).toMatchObject({
        KmsMasterKeyId: keyRef(base),
        MessageRetentionPeriod: 1_209_600,
      });
    }
    for (const policy of Object.values(resourcesOfType(base.template, 'AWS::SQS::QueuePolicy'))) {
      expect(JSON.stringify(policy)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('destroys data with retainData=false (dev and staging only)', () => {
    const resources = custom.template.toJSON().Resources;
    for (const table of [custom.stack.storage.decisionsTable, custom.stack.storage.idempotencyTable]) {
      expect(resources[logicalIdOf(custom.stack, table)]).toMatchObject({
        DeletionPolicy: 'Delete',
        Properties: { DeletionProtectionEnabled: false },
      });
    }
    expect(resources[logicalIdOf(custom.stack, custom.stack.storage.governanceBucket)].DeletionPolicy).toBe(
      'Delete',
    );
  });
});

describe.each(FUNCTION_NAMES)('function %s', (name) => {
  const spec = functions[name];

  it('runs the spec on nodejs22.x / arm64 with tracing', () => {
    expect(functionProps(base, name)).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: spec.memoryMb,
      Timeout: spec.timeoutSeconds,
      Description: spec.description,
      TracingConfig: { Mode: 'Active' },
    });
  });

  it('logs to its own KMS-encrypted log group, kept a year', () => {
    const gate = base.stack.functions[name];
    const logGroupId = logicalIdOf(base.stack, gate.logGroup);
    expect(functionProps(base, name).LoggingConfig).toMatchObject({ LogGroup: { Ref: logGroupId } });
    expect(base.template.toJSON().Resources[logGroupId].Properties).toEqual({
      LogGroupName: `/verdict/Verdict-dev/${name}`,
      RetentionInDays: 365,
      KmsKeyId: keyRef(base),
    });
    const keyPolicy = JSON.stringify(base.template.findResources('AWS::KMS::Key'));
    expect(keyPolicy).toContain(':log-group:/verdict/Verdict-dev/*');
  });

  it('sends failed async invocations to an encrypted queue', () => {
    const gate = base.stack.functions[name];
    base.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalIdOf(base.stack, gate.function) },
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [logicalIdOf(base.stack, gate.failureQueue as never), 'Arn'] },
        },
      },
    });
  });
});

describe.each(GATE_NAMES)('gate %s', (name) => {
  it('gets the environment the handler reads', () => {
    const variables = (functionProps(base, name).Environment as { Variables: Record<string, unknown> })
      .Variables;
    const s = base.stack;
    expect(variables).toEqual({
      VERDICT_ENVIRONMENT: 'dev',
      VERDICT_DECISIONS_TABLE: { Ref: logicalIdOf(s, s.storage.decisionsTable) },
      VERDICT_IDEMPOTENCY_TABLE: { Ref: logicalIdOf(s, s.storage.idempotencyTable) },
      VERDICT_EVENT_BUS_NAME: { Ref: logicalIdOf(s, s.verdictBus) },
      VERDICT_POLICY_BUNDLE: '/var/task/policy/bundle.tar.gz',
      VERDICT_POLICY_BUNDLE_SHA256: createHash('sha256').update(policy.bytes).digest('hex'),
      POWERTOOLS_SERVICE_NAME: 'verdict',
      POWERTOOLS_METRICS_NAMESPACE: 'Verdict',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
      ...s.resolve(s.ledger.environment()),
    });
    expect(Object.keys(variables)).toContain('VERDICT_LEDGER_SIGNING_KEY_ID');
    const asStrings = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, flat(v)]));
    expect(() => readModelRegistryGateEnvironment(asStrings)).not.toThrow();
    const customVariables = (functionProps(custom, name).Environment as { Variables: Json }).Variables;
    expect(customVariables.VERDICT_ENVIRONMENT).toBe('staging');
  });
});

describe.each(POLICY_NAMES)('policy evaluator %s', (name) => {
  it('ships an ESM bundle that carries the policy bundle', () => {
    const code = functionProps(base, name).Code as { S3Key: string };
    const assetDir = join(base.outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    expect(readFileSync(join(assetDir, 'index.mjs'), 'utf8').startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(existsSync(join(assetDir, 'index.mjs.map'))).toBe(true);
    expect(readFileSync(join(assetDir, 'policy', 'bundle.tar.gz'))).toEqual(policy.bytes);
    expect(POLICY_BUNDLE_RUNTIME_PATH).toBe('/var/task/policy/bundle.tar.gz');
  });
});
describe('the report worker', () => {
  const name = 'report-worker' as const;
  const bundleDir = (s: Synthesized) => {
    const code = functionProps(s, name).Code as { S3Key: string };
    return join(s.outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
  };

  it('has 4 GiB of /tmp for the report file', () => {
    expect(functionProps(base, name).EphemeralStorage).toEqual({ Size: 4096 });
    expect(functions[name].ephemeralStorageMb).toBe(4096);
  });

  it('gets the environment the handler reads, and no policy bundle', () => {
    const variables = (functionProps(custom, name).Environment as { Variables: Record<string, unknown> })
      .Variables;
    const s = custom.stack;
    expect(variables).toEqual({
      VERDICT_ENVIRONMENT: 'staging',
      VERDICT_DECISIONS_TABLE: { Ref: logicalIdOf(s, s.storage.decisionsTable) },
      VERDICT_REPORT_JOBS_TABLE: { Ref: logicalIdOf(s, s.storage.reportJobsTable) },
      VERDICT_REPORTS_BUCKET: { Ref: logicalIdOf(s, s.storage.reportsBucket) },
      // Staging's defaults: one day, GOVERNANCE (VERDICT_OBJECT_LOCK_MODE, among the ledger's variables).
      VERDICT_REPORT_RETENTION_DAYS: '1',
      VERDICT_REPORT_SIGNING_KEY_ID: { 'Fn::GetAtt': [logicalIdOf(s, s.storage.reportSigningKey), 'Arn'] },
      POWERTOOLS_SERVICE_NAME: 'verdict-reports',
      POWERTOOLS_METRICS_NAMESPACE: 'Verdict',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
      ...s.resolve(s.ledger.environment()),
    });
    const asStrings = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, flat(v)]));
    const env = readReportWorkerEnvironment(asStrings);
    expect(env.VERDICT_REPORT_SIGNING_KEY_ID).toBe(`<${logicalIdOf(s, s.storage.reportSigningKey)}.Arn>`);
    expect(env.VERDICT_REPORT_RETENTION_DAYS).toBe(1);
    expect(env.VERDICT_OBJECT_LOCK_MODE).toBe('GOVERNANCE');
  });

  it('ships an ESM bundle with the __dirname banner and the font metrics pdfkit reads', () => {
    const dir = bundleDir(base);
    expect(
      readFileSync(join(dir, 'index.mjs'), 'utf8').startsWith(
        `${ESM_REQUIRE_BANNER} ${PDFKIT_DIRNAME_BANNER}`,
      ),
    ).toBe(true);
    for (const font of PDFKIT_FONT_FILES)
      expect(readFileSync(join(dir, PDFKIT_FONTS_IN_PACKAGE, font))).toEqual(
        readFileSync(join(pdfkitFontDirectory(), font)),
      );
    expect(existsSync(join(dir, 'policy'))).toBe(false);
  });

  it('is invoked by the report-requested rule on the verdict bus for Verdict Report Requested', () => {
    const rule = ruleFor(base, { id: 'report-requested' });
    expect(rule).toMatchObject({
      Name: 'verdict-dev-report-requested',
      EventBusName: { Ref: logicalIdOf(base.stack, base.stack.verdictBus) },
      EventPattern: {
        source: [REPORT_REQUESTED_EVENT.source],
        'detail-type': [REPORT_REQUESTED_EVENT.detailType],
      },
    });
    const fn = base.stack.functions[name].function;
    expect((rule.Targets as Json[])[0]?.Arn).toEqual({ 'Fn::GetAtt': [logicalIdOf(base.stack, fn), 'Arn'] });
  });

  it('reads decisions and the ledger, works its jobs, writes locked reports and signs manifests: nothing else', () => {
    const role = base.stack.functions[name].role;
    const roleId = logicalIdOf(base.stack, role);
    const statements = Object.values(resourcesOfType(base.template, 'AWS::IAM::Policy'))
      .filter((p) =>
        asList((p.Properties as { Roles: unknown[] }).Roles).some((r) => flat(r) === `<${roleId}>`),
      )
      .flatMap(
        (p) => (p.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement,
      );
    const bySid = new Map(statements.map((st) => [st.Sid, st]));
    const ref = (construct: { node: { defaultChild?: unknown } }) =>
      `<${logicalIdOf(base.stack, construct)}.Arn>`;
    const { storage } = base.stack;

    expect(bySid.get('BuildReportJobs')?.Action).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(flat(bySid.get('BuildReportJobs')?.Resource)).toBe(ref(storage.reportJobsTable));
    expect(bySid.get('ArchiveReports')).toMatchObject({
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:PutObjectRetention'],
      Condition: { StringEquals: { 's3:object-lock-mode': 'COMPLIANCE' } },
    });
    expect(flat(bySid.get('ArchiveReports')?.Resource)).toBe(`${ref(storage.reportsBucket)}/*`);
    expect(bySid.get('SignReportManifests')).toMatchObject({
      Action: 'kms:Sign',
      Condition: { StringEquals: { 'kms:SigningAlgorithm': 'ED25519_SHA_512', 'kms:MessageType': 'RAW' } },
    });
    expect(flat(bySid.get('SignReportManifests')?.Resource)).toBe(ref(storage.reportSigningKey));
    expect(flat(bySid.get('ReadManifestVerifierKey')?.Resource)).toBe(ref(storage.reportSigningKey));
    expect(bySid.get('ReadManifestVerifierKey')?.Action).toBe('kms:GetPublicKey');

    const sids = [...bySid.keys()].sort();
    expect(sids).toEqual(
      [
        'ArchiveReports',
        'BuildReportJobs',
        'DecisionsAreImmutable',
        'EncryptFailureRecords',
        'LedgerDecryptStorageViaDynamoDB',
        'LedgerDecryptStorageViaS3',
        'LedgerListTiles',
        'LedgerReadItemsOnly',
        'LedgerReadTiles',
        'ListDecisions',
        'ReadDecisions',
        'ReadManifestVerifierKey',
        'SendFailureRecords',
        'SignReportManifests',
        'UseTableKey',
        undefined,
      ].sort(),
    );
    // No new item anywhere (decisions, ledger, jobs), no delete, no event; on the reports bucket only locked puts.
    const allowed = statements.filter((st) => st.Effect === 'Allow');
    const actions = allowed.flatMap((st) => asList(st.Action));
    for (const action of ['dynamodb:PutItem', 'dynamodb:DeleteItem', 's3:DeleteObject', 'events:PutEvents'])
      expect(actions).not.toContain(action);
    const onReports = allowed.filter((st) =>
      asList(st.Resource).some((r) => flat(r).startsWith(ref(storage.reportsBucket))),
    );
    expect(onReports.map((st) => st.Sid)).toEqual(['ArchiveReports']);
  });
});

describe('IAM: least privilege', () => {
  it('uses no managed policies', () => {
    for (const role of Object.values(resourcesOfType(base.template, 'AWS::IAM::Role'))) {
      expect((role.Properties as Json).ManagedPolicyArns).toBeUndefined();
    }
  });

  it('grants Resource "*" only where AWS requires it (X-Ray; SageMaker List for the API; ECR sign-in for SageMaker)', () => {
    const star = identityStatements(base.template).filter((st) => asList(st.Resource).includes('*'));
    const xray = {
      Effect: 'Allow',
      Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      Resource: '*',
    };
    expect(star).toEqual(
      expect.arrayContaining([
        ...FUNCTION_NAMES.map(() => xray),
        xray,
        {
          Sid: 'ListModelPackages',
          Effect: 'Allow',
          Action: ['sagemaker:ListModelPackageGroups', 'sagemaker:ListModelPackages'],
          Resource: '*',
        },
        // The SageMaker execution role the stack creates (deployments.test.ts).
        { Sid: 'AuthenticateToEcr', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      ]),
    );
    expect(star).toHaveLength(FUNCTION_NAMES.length + 3);
  });

  it('uses wildcards only inside named resources', () => {
    const wildcards = (s: Synthesized) =>
      [
        ...new Set(
          identityStatements(s.template)
            .filter((st) => st.Effect === 'Allow')
            .flatMap((st) => asList(st.Resource).map(flat))
            .filter((r) => r.includes('*') && r !== '*'),
        ),
      ].sort();
    const bucket = (s: Synthesized) => `<${logicalIdOf(s.stack, s.stack.storage.governanceBucket)}.Arn>/*`;
    const reports = (s: Synthesized) => `<${logicalIdOf(s.stack, s.stack.storage.reportsBucket)}.Arn>/*`;
    const ledger = (s: Synthesized) =>
      [s.stack.ledger.tilesBucket, s.stack.ledger.anchorBucket].map(
        (b) => `<${logicalIdOf(s.stack, b)}.Arn>/*`,
      );
    // What deployments act on (deployments.test.ts): their models, configs and endpoints, bake schedules, and
    // the execution role's images and endpoint logs; every model and config is read, to re-gate an endpoint
    // changed out of band.
    const deployments = (environment: string) => [
      'arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:model/verdict-*',
      'arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:endpoint-config/verdict-*',
      'arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:model/*',
      'arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:endpoint-config/*',
      'arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:endpoint/*',
      `arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/verdict-${environment}-bakes/*`,
      'arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/*',
      'arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/Endpoints/*',
    ];
    expect(wildcards(base)).toEqual(
      [
        ...ledger(base),
        bucket(base),
        reports(base),
        'arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:model-package/*',
        ...deployments('dev'),
      ].sort(),
    );
    expect(wildcards(custom)).toEqual(
      [
        ...ledger(custom),
        bucket(custom),
        reports(custom),
        'arn:<AWS::Partition>:s3:::acme-ml-evidence/*',
        'arn:<AWS::Partition>:s3:::acme-clarify-reports/*',
        'arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:model-package/credit-*',
        ...deployments('staging'),
      ].sort(),
    );
  });

  it('may describe and approve model packages of the configured groups only', () => {
    const [statement] = statementsWithResource(custom, (r) => r.includes(':model-package/'));
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Action: ['sagemaker:DescribeModelPackage', 'sagemaker:UpdateModelPackage'],
    });
    expect(flat(statement?.Resource)).toBe(
      'arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:model-package/credit-*',
    );
  });

  it('reads the governance bucket and the configured evidence buckets, and decrypts with their keys via S3', () => {
    const statements = identityStatements(custom.template);
    const get = statements.find((st) => st.Sid === 'ReadGovernanceObjects');
    expect(get?.Action).toBe('s3:GetObject');
    expect(asList(get?.Resource).map(flat).sort()).toEqual(
      [
        `<${logicalIdOf(custom.stack, custom.stack.storage.governanceBucket)}.Arn>/*`,
        'arn:<AWS::Partition>:s3:::acme-ml-evidence/*',
        'arn:<AWS::Partition>:s3:::acme-clarify-reports/*',
      ].sort(),
    );
    const decrypt = statements.find((st) => st.Sid === 'DecryptGovernanceObjects');
    expect(decrypt?.Action).toBe('kms:Decrypt');
    expect(asList(decrypt?.Resource).map(flat).sort()).toEqual([flat(keyRef(custom)), KEY_ARN].sort());
    expect(flat((decrypt?.Condition?.StringEquals as Json | undefined)?.['kms:ViaService'])).toBe(
      's3.<AWS::Region>.amazonaws.com',
    );
  });

  it('appends and reads decisions, and explicitly denies changing or deleting them', () => {
    const statements = identityStatements(base.template);
    const table = { 'Fn::GetAtt': [logicalIdOf(base.stack, base.stack.storage.decisionsTable), 'Arn'] };
    const onDecisions = statements.filter((st) => asList(st.Resource).some((r) => flat(r) === flat(table)));
    const allowed = onDecisions.filter((st) => st.Effect === 'Allow').flatMap((st) => asList(st.Action));
    expect([...new Set(allowed)].sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    // The only unconditioned PutItems are the ledger appenders' (the gate's, the deployment gate's in the
    // orchestrator); the API's is limited to access records (auditor-api.test.ts).
    const puts = onDecisions.filter(
      (st) => st.Effect === 'Allow' && asList(st.Action).includes('dynamodb:PutItem'),
    );
    expect(puts.map((st) => st.Sid).sort()).toEqual([
      'AppendAccessRecords',
      ...POLICY_NAMES.map(() => 'AppendDecisions'),
    ]);
    const query = statements.find((st) => st.Sid === 'ListDecisions');
    expect(query?.Action).toBe('dynamodb:Query');
    expect(flat(query?.Resource)).toBe(`${flat(table)}/index/${DECISION_TABLE_LIST_INDEX.indexName}`);

    const denies = onDecisions.filter((st) => st.Effect === 'Deny');
    expect(denies).toEqual(
      [...FUNCTION_NAMES, 'auditor-api'].map(() => ({
        Sid: 'DecisionsAreImmutable',
        Effect: 'Deny',
        Action: [...DECISION_MUTATING_ACTIONS].sort(),
        Resource: table,
      })),
    );
    for (const action of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
      expect(DECISION_MUTATING_ACTIONS).toContain(action);
    }
  });

  it('gives the idempotency table the four calls Powertools makes', () => {
    const statement = identityStatements(base.template).find((st) => st.Sid === 'UseIdempotencyRecords');
    expect(statement).toEqual({
      Sid: 'UseIdempotencyRecords',
      Effect: 'Allow',
      Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      Resource: { 'Fn::GetAtt': [logicalIdOf(base.stack, base.stack.storage.idempotencyTable), 'Arn'] },
    });
  });

  it('publishes only `source: verdict` events, only on the verdict bus; only gates publish any type', () => {
    const publish = identityStatements(base.template).filter((st) =>
      asList(st.Action).includes('events:PutEvents'),
    );
    const bus = { 'Fn::GetAtt': [logicalIdOf(base.stack, base.stack.verdictBus), 'Arn'] };
    for (const st of publish) {
      expect(st, st.Sid).toMatchObject({ Effect: 'Allow', Action: 'events:PutEvents', Resource: bus });
      expect((st.Condition?.StringEquals as Json | undefined)?.['events:source'], st.Sid).toEqual([
        'verdict',
      ]);
    }
    // Every other publisher names its detail-types (auditor-api.test.ts, deployments.test.ts).
    const anyType = publish.filter(
      (st) => (st.Condition?.StringEquals as Json | undefined)?.['events:detail-type'] === undefined,
    );
    expect(anyType).toEqual(
      GATE_NAMES.map(() => ({
        Sid: 'PublishDecisions',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: bus,
        Condition: { StringEquals: { 'events:source': ['verdict'] } },
      })),
    );
  });

  it('uses the Verdict key only through DynamoDB, S3 and SQS', () => {
    const signingKeys = [base.stack.ledger.signingKey, base.stack.storage.reportSigningKey].map(
      (key) => `<${logicalIdOf(base.stack, key)}.Arn>`,
    );
    const onSigningKey = (st: Statement) => asList(st.Resource).some((r) => signingKeys.includes(flat(r)));
    // Subject data keys are wrapped by their own key, called directly, bound to the subject (encryption context).
    const subjectKeysKey = `<${logicalIdOf(base.stack, base.stack.ledger.subjectKeysKey)}.Arn>`;
    const onSubjectKeysKey = (st: Statement) => asList(st.Resource).some((r) => flat(r) === subjectKeysKey);
    expect(
      identityStatements(base.template)
        .filter(onSubjectKeysKey)
        .map((st) => [st.Sid, st.Condition?.['ForAllValues:StringEquals']]),
    ).toEqual([['LedgerWrapSubjectKeys', { 'kms:EncryptionContextKeys': ['verdict:subject'] }]]);
    const kmsStatements = identityStatements(base.template).filter(
      (st) =>
        asList(st.Action).some((a) => a.startsWith('kms:')) && !onSigningKey(st) && !onSubjectKeysKey(st),
    );
    expect(kmsStatements.length).toBeGreaterThan(0);
    // The ledger's signing key is called directly (Sign, GetPublicKey): see ledger-storage.test.ts.
    expect(
      identityStatements(base.template)
        .filter(onSigningKey)
        .map((st) => st.Sid),
    ).toEqual([
      'LedgerSignCheckpoints',
      'LedgerReadVerifierKey',
      // The report worker signs manifests with the report key, never with the ledger's.
      'SignReportManifests',
      'ReadManifestVerifierKey',
      // The deployment orchestrator appends the deployment gate's decisions and each step to the ledger.
      'LedgerSignCheckpoints',
      'LedgerReadVerifierKey',
    ]);
    for (const st of kmsStatements) {
      const via = flat((st.Condition?.StringEquals as Json | undefined)?.['kms:ViaService']);
      expect(via).toMatch(/^(dynamodb|s3|sqs)\.<AWS::Region>\.amazonaws\.com$/);
      expect(asList(st.Action).every((a) => !a.includes('*'))).toBe(true);
    }
  });
});

describe('alarms', () => {
  it('alarm on function errors, throttles and lost failures, and on every dead-letter queue', () => {
    const alarms = Object.values(resourcesOfType(base.template, 'AWS::CloudWatch::Alarm'));
    // Errors, throttles and lost failures per function (the API's included), each gate's failure queue, each DLQ.
    // Plus the bus dead-letter queue and the decision tamper watch.
    expect(alarms).toHaveLength((FUNCTION_NAMES.length + 1) * 3 + FUNCTION_NAMES.length + routes.length + 2);
    const topic = { Ref: logicalIdOf(base.stack, base.stack.alarms.topic) };
    for (const alarm of alarms) expect((alarm.Properties as Json).AlarmActions).toEqual([topic]);
    base.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyRef(base) });
  });
});

describe('outputs', () => {
  it('names the bus, tables, bucket and functions', () => {
    const outputs = Object.keys(base.template.toJSON().Outputs).sort();
    expect(outputs).toEqual(
      [
        'AccessLogBucketName',
        'AlarmTopicArn',
        'AuditorApiFunctionName',
        'AuditorApiUrl',
        'BakeScheduleGroupName',
        'DeploymentOrchestratorFunctionName',
        'DeploymentsTableName',
        'SageMakerExecutionRoleArn',
        'ReportJobsTableName',
        'ReportsBucketName',
        'DecisionsTableName',
        'EventBusArn',
        'EventBusName',
        'GovernanceBucketName',
        'IdempotencyTableName',
        'KeyArn',
        'LedgerAnchorBucketName',
        'LedgerCheckpointRetentionDays',
        'LedgerOrigin',
        'LedgerSigningKeyArn',
        'LedgerTableName',
        'LedgerTilesBucketName',
        'ModelPackageGroupPrefix',
        'ModelRegistryGateFunctionName',
        'ObjectLockMode',
        'ReportWorkerFunctionName',
        'ReportSigningKeyArn',
        'SubjectKeysKeyArn',
        'SubjectKeysTableName',
      ].sort(),
    );
  });

  it('has every output the CLI reads with --stack (contracts/deployed-stack.ts)', () => {
    const outputs = Object.keys(base.template.toJSON().Outputs);
    for (const key of [...REQUIRED_STACK_OUTPUTS, ...OPTIONAL_STACK_OUTPUTS].filter(
      (k) => k !== 'AuditorApiJwtUrl',
    ))
      expect(outputs).toContain(key);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it.each([
    ['default context', () => base],
    ['custom context', () => custom],
  ])('%s: no unsuppressed errors or warnings', (_label, get) => {
    const annotations = Annotations.fromStack(get().stack);
    const format = (found: ReturnType<Annotations['findError']>) =>
      found.map((f) => `${f.id}: ${String(f.entry.data)}`);
    expect(format(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')))).toEqual([]);
    expect(format(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')))).toEqual([]);
  });

  it('suppresses only what is explained, with a real reason', () => {
    const suppressed: string[] = [];
    for (const resource of Object.values(custom.template.toJSON().Resources as Record<string, Json>)) {
      const rules = (
        (resource.Metadata as Json | undefined)?.cdk_nag as { rules_to_suppress?: Json[] } | undefined
      )?.rules_to_suppress;
      for (const rule of rules ?? []) {
        expect(typeof rule.reason).toBe('string');
        expect((rule.reason as string).length).toBeGreaterThanOrEqual(10);
        suppressed.push(`${resource.Type}:${rule.id}`);
      }
    }
    expect([...new Set(suppressed)].sort()).toEqual(
      [
        'AWS::ApiGatewayV2::Route:AwsSolutions-APIG4',
        'AWS::IAM::Policy:AwsSolutions-IAM5',
        'AWS::IAM::ManagedPolicy:AwsSolutions-IAM5',
        'AWS::IAM::Role:AwsSolutions-IAM5',
        'AWS::Lambda::Function:AwsSolutions-L1',
        'AWS::SQS::Queue:AwsSolutions-SQS3',
      ].sort(),
    );
  });
});

describe('synth guards', () => {
  it('fails with a clear message when the policy bundle is missing', () => {
    const missing = join(policy.path, '..', 'nope', 'bundle.tar.gz');
    expect(() => buildApp({}, { policyBundlePath: missing })).toThrowError(
      expect.objectContaining({
        name: 'MissingPolicyBundleError',
        message: missingPolicyBundleMessage(missing),
      }),
    );
    expect(missingPolicyBundleMessage('policies/build/bundle.tar.gz')).toBe(
      'Policy bundle not found at policies/build/bundle.tar.gz. Build it with `npm run build:policies` before `cdk synth` or `cdk deploy`.',
    );
    // Without bundling (cdk ls, or another stack deployed exclusively) the bundle is not needed.
    expect(() => buildApp(NO_BUNDLING, { policyBundlePath: missing })).not.toThrow();
  });

  it('fails with the exact message on a bad context value', () => {
    expect(() => buildApp({ 'verdict:environment': 'qa' }, { policyBundlePath: policy.path })).toThrowError(
      expect.objectContaining({
        name: 'ConfigError',
        message:
          'Invalid Verdict configuration (CDK context):\n  verdict:environment: must be one of "dev", "staging", "prod" (got "qa")',
      }),
    );
  });

  it('protects a prod stack from deletion', () => {
    const { stack } = buildApp({ ...NO_BUNDLING, 'verdict:environment': 'prod' });
    expect(stack.terminationProtection).toBe(true);
    expect(base.stack.terminationProtection).toBe(false);
  });
});
