/** The auditor API in the stack: HTTP API routes and authorisers, its function and role, the reports bucket. */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY_PREFIX } from '../../functions/adapters/aws/decision-table-schema.ts';
import { API_ROUTES } from '../../functions/api/api-routes.ts';
import { readApiEnvironment } from '../../functions/api/environment.ts';
import { API_THROTTLE } from '../../infra/constructs/auditor-api.ts';
import { DECISION_MUTATING_ACTIONS } from '../../infra/function-permissions.ts';
import {
  asList,
  flat,
  type Json,
  logicalIdOf,
  resourcesOfType,
  type Statement,
  type Synthesized,
  standInPolicyBundle,
  synth,
} from './synth.ts';

const AUDITORS = 'arn:aws:iam::123456789012:role/Auditors';
const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example';
const JWT_CONTEXT = {
  'verdict:apiRoleMap': JSON.stringify({ [AUDITORS]: 'auditor' }),
  'verdict:apiJwtIssuer': ISSUER,
  'verdict:apiJwtAudience': 'client-1,client-2',
  'verdict:apiJwtGroupRoles': { 'risk-team': 'compliance-officer' },
  'verdict:reportRetentionDays': '2555',
};

let base: Synthesized;
let jwt: Synthesized;

beforeAll(() => {
  const policy = standInPolicyBundle();
  base = synth({}, { policyBundlePath: policy.path });
  jwt = synth(JWT_CONTEXT, { policyBundlePath: policy.path });
}, 180_000);

const props = (resource: Json) => resource.Properties as Json;
const ofType = (s: Synthesized, type: string) => Object.values(resourcesOfType(s.template, type)).map(props);

function apiStatements(s: Synthesized): Statement[] {
  const roleId = logicalIdOf(s.stack, s.stack.apiFunction.role);
  return Object.values(resourcesOfType(s.template, 'AWS::IAM::Policy'))
    .filter((p) => asList(props(p).Roles as unknown[]).some((r) => flat(r) === `<${roleId}>`))
    .flatMap((p) => (props(p).PolicyDocument as { Statement: Statement[] }).Statement);
}

describe('HTTP API', () => {
  it('has one route per API route, IAM-authorised except the public ones', () => {
    const apiId = logicalIdOf(base.stack, base.stack.api.iamApi);
    const routes = ofType(base, 'AWS::ApiGatewayV2::Route').filter((r) => flat(r.ApiId) === `<${apiId}>`);
    expect(routes.map((r) => [r.RouteKey, r.AuthorizationType]).sort()).toEqual(
      API_ROUTES.map((r) => [`${r.method} ${r.path}`, r.public ? 'NONE' : 'AWS_IAM']).sort(),
    );
    expect(ofType(base, 'AWS::ApiGatewayV2::Api')).toHaveLength(1);
  });

  it('integrates the API function with payload format 2.0, invocable only by this API', () => {
    const fnId = logicalIdOf(base.stack, base.stack.apiFunction.function);
    const [integration] = ofType(base, 'AWS::ApiGatewayV2::Integration');
    expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    expect(flat(integration?.IntegrationUri)).toBe(`<${fnId}.Arn>`);
    const permissions = ofType(base, 'AWS::Lambda::Permission').filter(
      (p) => p.Principal === 'apigateway.amazonaws.com',
    );
    expect(permissions.length).toBeGreaterThan(0);
    const apiId = logicalIdOf(base.stack, base.stack.api.iamApi);
    for (const p of permissions) {
      expect(flat(p.FunctionName)).toBe(`<${fnId}.Arn>`);
      expect(flat(p.SourceArn)).toContain(`:<${apiId}>/*/*`);
    }
  });

  it('throttles the $default stage and logs access to a KMS-encrypted log group, without bodies', () => {
    const [stage] = ofType(base, 'AWS::ApiGatewayV2::Stage');
    expect(stage).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: API_THROTTLE.rateLimit,
        ThrottlingBurstLimit: API_THROTTLE.burstLimit,
      },
    });
    const logGroupId = logicalIdOf(base.stack, base.stack.api.accessLogGroup);
    const settings = stage?.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(flat(settings.DestinationArn)).toBe(`<${logGroupId}.Arn>`);
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      caller: '$context.identity.userArn',
      status: '$context.status',
    });
    expect(settings.Format).not.toMatch(/body|\$input/i);
    const group = props(resourcesOfType(base.template, 'AWS::Logs::LogGroup')[logGroupId] as Json);
    expect(flat(group.KmsKeyId)).toBe(`<${logicalIdOf(base.stack, base.stack.storage.key)}.Arn>`);
    expect(group.LogGroupName).toMatch(/^\/verdict\/Verdict-dev\/api-access$/);
    expect(group.RetentionInDays).toBe(365);
  });

  it('adds a second, JWT-authorised API for the configured OIDC issuer and audiences', () => {
    expect(base.stack.api.jwtApi).toBeUndefined();
    expect(ofType(jwt, 'AWS::ApiGatewayV2::Api')).toHaveLength(2);
    const [authorizer] = ofType(jwt, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: ISSUER, Audience: ['client-1', 'client-2'] },
    });
    const jwtApiId = logicalIdOf(jwt.stack, jwt.stack.api.jwtApi as never);
    const routes = ofType(jwt, 'AWS::ApiGatewayV2::Route').filter((r) => flat(r.ApiId) === `<${jwtApiId}>`);
    expect(routes).toHaveLength(API_ROUTES.length);
    for (const route of routes) {
      const isPublic = ['GET /health', 'GET /openapi.json'].includes(route.RouteKey as string);
      expect(route.AuthorizationType, String(route.RouteKey)).toBe(isPublic ? 'NONE' : 'JWT');
    }
    expect(Object.keys(jwt.template.toJSON().Outputs)).toContain('AuditorApiJwtUrl');
  });
});

describe('the API function', () => {
  it('gets the configuration the handler reads, and no policy bundle or failure queue', () => {
    const fn = props(
      resourcesOfType(jwt.template, 'AWS::Lambda::Function')[
        logicalIdOf(jwt.stack, jwt.stack.apiFunction.function)
      ] as Json,
    );
    const variables = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables).not.toHaveProperty('VERDICT_POLICY_BUNDLE');
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Timeout: 29, TracingConfig: { Mode: 'Active' } });
    const resolved = Object.fromEntries(
      Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : flat(v)]),
    );
    const env = readApiEnvironment(resolved as NodeJS.ProcessEnv);
    expect(env.VERDICT_API_ROLE_MAP).toEqual({ [AUDITORS]: 'auditor' });
    expect(env.VERDICT_API_JWT_GROUP_ROLES).toEqual({ 'risk-team': 'compliance-officer' });
    expect(env.VERDICT_API_JWT_GROUPS_CLAIM).toBe('cognito:groups');
    expect(env.VERDICT_REPORT_RETENTION_DAYS).toBe(2555);
    expect(jwt.stack.apiFunction.failureQueue).toBeUndefined();
    const invokeConfigs = ofType(jwt, 'AWS::Lambda::EventInvokeConfig');
    expect(invokeConfigs.map((c) => flat(c.FunctionName))).not.toContain(
      `<${logicalIdOf(jwt.stack, jwt.stack.apiFunction.function)}>`,
    );
  });

  it('reads decisions and writes only access records there, never changes a decision', () => {
    const statements = apiStatements(base);
    const table = `<${logicalIdOf(base.stack, base.stack.storage.decisionsTable)}.Arn>`;
    const onTable = statements.filter((st) => asList(st.Resource).some((r) => flat(r) === table));
    expect(
      onTable.filter((st) => st.Effect === 'Allow').map((st) => [st.Sid, st.Action, st.Condition]),
    ).toEqual(
      expect.arrayContaining([
        ['ReadDecisions', 'dynamodb:GetItem', undefined],
        [
          'AppendAccessRecords',
          'dynamodb:PutItem',
          { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${ACCESS_KEY_PREFIX}*`] } },
        ],
      ]),
    );
    expect(onTable.filter((st) => st.Effect === 'Allow')).toHaveLength(2);
    expect(onTable.find((st) => st.Effect === 'Deny')?.Action).toEqual([...DECISION_MUTATING_ACTIONS].sort());
    const query = statements.find((st) => st.Sid === 'ListDecisions');
    expect(flat(query?.Resource)).toBe(`${table}/index/by-time`);
  });

  it('lists and describes model packages, signs report downloads and records report jobs', () => {
    const bySid = new Map(apiStatements(base).map((st) => [st.Sid, st]));
    expect(bySid.get('ListModelPackages')).toMatchObject({
      Action: ['sagemaker:ListModelPackageGroups', 'sagemaker:ListModelPackages'],
      Resource: '*',
    });
    expect(bySid.get('GovernModelPackages')?.Action).toBe('sagemaker:DescribeModelPackage');
    const reports = `<${logicalIdOf(base.stack, base.stack.storage.reportsBucket)}.Arn>/*`;
    expect(bySid.get('SignReportDownloads')).toMatchObject({ Action: 's3:GetObject' });
    expect(flat(bySid.get('SignReportDownloads')?.Resource)).toBe(reports);
    // The reports bucket is SSE-S3: presigned downloads need no key grant.
    expect(bySid.has('DecryptReportDownloads')).toBe(false);
    expect(bySid.get('RecordReportJobs')?.Action).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(flat(bySid.get('RecordReportJobs')?.Resource)).toBe(
      `<${logicalIdOf(base.stack, base.stack.storage.reportJobsTable)}.Arn>`,
    );
    expect(bySid.get('RequestReports')?.Condition).toEqual({
      StringEquals: { 'events:source': ['verdict'], 'events:detail-type': ['Verdict Report Requested'] },
    });
    // Callers and requesters are sealed under their own keys: the API creates and reads subject keys, and
    // cannot destroy one (only an erasure can).
    expect(bySid.get('LedgerSubjectKeyItems')?.Action).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(bySid.get('LedgerWrapSubjectKeys')?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(bySid.has('AppendDecisions')).toBe(false);
    expect(bySid.has('PublishDecisions')).toBe(false);
    expect(bySid.has('ReadGovernanceObjects')).toBe(false);
  });
});

describe('the reports bucket', () => {
  const bucketProps = (s: Synthesized) =>
    props(
      resourcesOfType(s.template, 'AWS::S3::Bucket')[
        logicalIdOf(s.stack, s.stack.storage.reportsBucket)
      ] as Json,
    );

  // Dev defaults (cdk.json as shipped): GOVERNANCE for a day; prod's COMPLIANCE is in environment-defaults.test.ts.
  it('locks every report in the configured mode for the configured retention, versioned, SSE-S3, private, logged', () => {
    expect(bucketProps(base)).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        // Not the Verdict key: a locked report must stay readable if that key is ever deleted.
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { LogFilePrefix: 'reports-bucket/' },
    });
    expect(bucketProps(jwt)).toMatchObject({
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 2555 } } },
    });
  });

  it('keeps report jobs in their own encrypted table with a TTL', () => {
    const table = props(
      resourcesOfType(base.template, 'AWS::DynamoDB::Table')[
        logicalIdOf(base.stack, base.stack.storage.reportJobsTable)
      ] as Json,
    );
    expect(table).toMatchObject({
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
  });
});

describe('cdk-nag AwsSolutions with the JWT API', () => {
  it('has no unsuppressed errors or warnings', () => {
    const annotations = Annotations.fromStack(jwt.stack);
    const format = (found: ReturnType<Annotations['findError']>) =>
      found.map((f) => `${f.id}: ${String(f.entry.data)}`);
    expect(format(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')))).toEqual([]);
    expect(format(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')))).toEqual([]);
  });
});
