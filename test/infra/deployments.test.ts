/**
 * Deployments in the stack: the deployments table, the orchestrator's environment and exact grants, the bake
 * scheduler and SageMaker execution roles, the API's and the operator's deployment capabilities, the rules of
 * the deployment routes and the optional deployment guard. Built without bundling (the grants do not depend
 * on the packages; verdict-stack.test.ts bundles).
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import * as deploymentTableSchema from '../../functions/adapters/aws/deployment-table-schema.ts';
import { DECISION_ID_TAG } from '../../functions/adapters/aws/sagemaker-deployment-config.ts';
import { readDeploymentOrchestratorEnvironment } from '../../functions/deployments/environment.ts';
import { routes } from '../../functions/routes.ts';
import { ruleNameFor } from '../../infra/constructs/event-routing.ts';
import { GOVERNED_ENDPOINT_TAG } from '../../infra/function-permissions.ts';
import {
  asList,
  type BuiltStack,
  buildStack,
  flat,
  type Json,
  logicalIdOf,
  resourcesOfType,
  type Statement,
  standInPolicyBundle,
} from './synth.ts';

const OPERATORS = 'arn:aws:iam::123456789012:role/ml-governance';
const BREAK_GLASS = 'arn:aws:iam::123456789012:role/ops/verdict-break-glass';
const OWN_EXECUTION_ROLE = 'arn:aws:iam::123456789012:role/ml/sagemaker-models';
const GPU_CLUSTER = {
  name: 'ml-prod',
  modelServer: {
    image: `registry.example/vllm-openai@sha256:${'c'.repeat(64)}`,
    port: 8000,
    readinessPath: '/health',
  },
  governedNamespaces: ['serving'],
};
const ALL_ON = {
  'verdict:environment': 'prod',
  'verdict:eksClusters': [GPU_CLUSTER],
  'verdict:enforceSageMakerDeployments': true,
  'verdict:modelArtifactLocations': ['s3://acme-models/credit/', 's3://acme-shared'],
  'verdict:operatorRoleTrust': [OPERATORS],
  'verdict:breakGlassRoleArn': BREAK_GLASS,
};

let dev: BuiltStack;
let prod: BuiltStack;
let own: BuiltStack;

beforeAll(() => {
  const policy = standInPolicyBundle();
  dev = buildStack({}, policy.path);
  prod = buildStack(ALL_ON, policy.path);
  own = buildStack({ 'verdict:sagemakerExecutionRoleArn': OWN_EXECUTION_ROLE }, policy.path);
}, 180_000);

const props = (b: BuiltStack, construct: { node: { defaultChild?: unknown } }) =>
  b.resources[logicalIdOf(b.stack, construct)]?.Properties as Json;
const ref = (b: BuiltStack, construct: { node: { defaultChild?: unknown } }) =>
  `<${logicalIdOf(b.stack, construct)}>`;
const arnOf = (b: BuiltStack, construct: { node: { defaultChild?: unknown } }) =>
  `<${logicalIdOf(b.stack, construct)}.Arn>`;

/** Every identity statement attached to a role: its inline policies and the overflow managed policies. */
function roleStatements(b: BuiltStack, role: iam.IRole): Statement[] {
  const roleRef = ref(b, role);
  return ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']
    .flatMap((type) => Object.values(resourcesOfType(b.template, type)))
    .map((resource) => resource.Properties as Json)
    .filter((p) => asList(p.Roles as unknown[]).some((r) => flat(r) === roleRef))
    .flatMap((p) => (p.PolicyDocument as { Statement: Statement[] }).Statement);
}

function bySid(statements: Statement[], sid: string): Statement {
  const found = statements.filter((st) => st.Sid === sid);
  if (found.length !== 1) throw new Error(`expected one statement ${sid}, found ${found.length}`);
  return found[0] as Statement;
}

/** A statement with its resources flattened (<Logical.Arn>, arn:<AWS::Partition>:...) for exact comparison. */
function flatStatement(st: Statement) {
  return {
    Effect: st.Effect,
    Action: asList(st.Action),
    Resource: asList(st.Resource).map(flat).sort(),
    ...(st.Condition && { Condition: st.Condition }),
  };
}

const ACCOUNT_ARN = 'arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>';

describe('the deployments table', () => {
  it('is keyed as the DynamoDB adapter expects, with every index the table schema exports', () => {
    const table = props(dev, dev.stack.storage.deploymentsTable);
    expect(table.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    const exported = (Object.values(deploymentTableSchema) as unknown[]).filter(
      (value): value is { indexName: string; partitionKey: string; sortKey: string; projection: string } =>
        typeof value === 'object' && value !== null && 'indexName' in value,
    );
    expect(exported.map((index) => index.indexName)).toEqual(
      expect.arrayContaining(['by-time', 'by-decision']),
    );
    const indexes = table.GlobalSecondaryIndexes as Json[];
    expect(indexes.map((index) => index.IndexName).sort()).toEqual(exported.map((i) => i.indexName).sort());
    for (const index of exported) {
      expect(indexes.find((built) => built.IndexName === index.indexName)).toEqual({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: index.projection },
      });
    }
    const attributes = (table.AttributeDefinitions as { AttributeName: string; AttributeType: string }[])
      .map((a) => [a.AttributeName, a.AttributeType])
      .sort();
    expect(attributes).toEqual(
      [...deploymentTableSchema.DEPLOYMENT_TABLE_KEY_ATTRIBUTES].sort().map((name) => [name, 'S']),
    );
  });

  it('is encrypted with the Verdict key, on demand, with point-in-time recovery', () => {
    const table = props(dev, dev.stack.storage.deploymentsTable);
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.SSESpecification).toEqual({
      KMSMasterKeyId: { 'Fn::GetAtt': [logicalIdOf(dev.stack, dev.stack.storage.key), 'Arn'] },
      SSEEnabled: true,
      SSEType: 'KMS',
    });
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('is protected and kept in prod, deleted with a dev stack', () => {
    expect(props(prod, prod.stack.storage.deploymentsTable).DeletionProtectionEnabled).toBe(true);
    expect(prod.resources[logicalIdOf(prod.stack, prod.stack.storage.deploymentsTable)]?.DeletionPolicy).toBe(
      'Retain',
    );
    expect(props(dev, dev.stack.storage.deploymentsTable).DeletionProtectionEnabled).toBe(false);
    expect(dev.resources[logicalIdOf(dev.stack, dev.stack.storage.deploymentsTable)]?.DeletionPolicy).toBe(
      'Delete',
    );
  });
});

describe('the deployment orchestrator', () => {
  it('gets exactly the variables its environment module parses, asynchronously with the policy bundle', () => {
    const fn = dev.stack.functions['deployment-orchestrator'];
    const variables = (props(dev, fn.function).Environment as { Variables: Json }).Variables;
    const s = dev.stack;
    expect(Object.keys(variables).sort()).toEqual(
      [
        ...Object.keys(s.ledger.environment()),
        'VERDICT_ENVIRONMENT',
        'VERDICT_DECISIONS_TABLE',
        'VERDICT_DEPLOYMENTS_TABLE',
        'VERDICT_EVENT_BUS_NAME',
        'VERDICT_EVENT_BUS_ARN',
        'VERDICT_POLICY_BUNDLE',
        'VERDICT_POLICY_BUNDLE_SHA256',
        'VERDICT_SAGEMAKER_EXECUTION_ROLE_ARN',
        'VERDICT_BAKE_SCHEDULE_GROUP',
        'VERDICT_BAKE_SCHEDULER_ROLE_ARN',
        'VERDICT_ORCHESTRATOR_ROLE_ARN',
        'VERDICT_OUT_OF_BAND_MODE',
        'VERDICT_EKS_CLUSTERS',
        'VERDICT_PROMOTIONS',
        'POWERTOOLS_SERVICE_NAME',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_LOG_LEVEL',
        // Set by VerdictFunction on every function (source maps outside prod).
        'NODE_OPTIONS',
      ].sort(),
    );
    expect(flat(variables.VERDICT_DEPLOYMENTS_TABLE)).toBe(ref(dev, s.storage.deploymentsTable));
    expect(flat(variables.VERDICT_EVENT_BUS_ARN)).toBe(arnOf(dev, s.verdictBus));
    expect(flat(variables.VERDICT_ORCHESTRATOR_ROLE_ARN)).toBe(arnOf(dev, fn.role));
    expect(variables.VERDICT_OUT_OF_BAND_MODE).toBe('alert');
    expect(variables.VERDICT_EKS_CLUSTERS).toBe('[]');
    expect(variables.VERDICT_PROMOTIONS).toBe('[]');
    expect(variables.VERDICT_BAKE_SCHEDULE_GROUP).toBe('verdict-dev-bakes');
    expect(flat(variables.VERDICT_BAKE_SCHEDULER_ROLE_ARN)).toBe(arnOf(dev, s.deployments.schedulerRole));
    const executionRole = s.deployments.executionRole;
    if (!executionRole) throw new Error('expected the stack to create the SageMaker execution role');
    expect(flat(variables.VERDICT_SAGEMAKER_EXECUTION_ROLE_ARN)).toBe(arnOf(dev, executionRole));
    expect(fn.failureQueue).toBeDefined();
    // The handler's own parser accepts what the stack sets (tokens stand in for names and ARNs).
    const resolved = Object.fromEntries(
      Object.entries(variables).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : k.endsWith('_ARN') ? 'arn:aws:iam::123456789012:role/x' : 'name',
      ]),
    );
    expect(() => readDeploymentOrchestratorEnvironment(resolved)).not.toThrow();
  });

  it('deploys to the EKS clusters of verdict:eksClusters: describes only those, through an access entry each', () => {
    const fn = prod.stack.functions['deployment-orchestrator'];
    const variables = (props(prod, fn.function).Environment as { Variables: Json }).Variables;
    expect(JSON.parse(variables.VERDICT_EKS_CLUSTERS as string)).toEqual([
      {
        ...GPU_CLUSTER,
        parameters: { namespace: 'verdict-system', name: 'verdict-approved-models' },
        pollSeconds: 10,
      },
    ]);
    expect(flatStatement(bySid(roleStatements(prod, fn.role), 'DescribeDeploymentClusters'))).toEqual({
      Effect: 'Allow',
      Action: ['eks:DescribeCluster'],
      Resource: ['arn:<AWS::Partition>:eks:<AWS::Region>:<AWS::AccountId>:cluster/ml-prod'],
    });
    const entries = Object.values(resourcesOfType(prod.template, 'AWS::EKS::AccessEntry')).map(
      (resource) => resource.Properties as Json,
    );
    expect(entries.map((entry) => ({ ...entry, PrincipalArn: flat(entry.PrincipalArn) }))).toEqual([
      {
        ClusterName: 'ml-prod',
        PrincipalArn: arnOf(prod, fn.role),
        Type: 'STANDARD',
        KubernetesGroups: ['verdict:deployers'],
      },
    ]);
    // Without clusters: no grant and no access entry.
    const devRole = dev.stack.functions['deployment-orchestrator'].role;
    expect(roleStatements(dev, devRole).map((st) => st.Sid)).not.toContain('DescribeDeploymentClusters');
    expect(resourcesOfType(dev.template, 'AWS::EKS::AccessEntry')).toEqual({});
  });

  it('uses its own execution role when verdict:sagemakerExecutionRoleArn names one, and creates none', () => {
    const fn = own.stack.functions['deployment-orchestrator'];
    const variables = (props(own, fn.function).Environment as { Variables: Json }).Variables;
    expect(variables.VERDICT_SAGEMAKER_EXECUTION_ROLE_ARN).toBe(OWN_EXECUTION_ROLE);
    expect(own.stack.deployments.executionRole).toBeUndefined();
    const pass = bySid(roleStatements(own, fn.role), 'PassSageMakerExecutionRole');
    expect(pass).toEqual({
      Sid: 'PassSageMakerExecutionRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: OWN_EXECUTION_ROLE,
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
  });

  it('may change SageMaker only on Verdict-named models and configs and Verdict-tagged endpoints', () => {
    const statements = roleStatements(dev, dev.stack.functions['deployment-orchestrator'].role);
    const tag = GOVERNED_ENDPOINT_TAG;
    expect(flatStatement(bySid(statements, 'ManageDeploymentModels'))).toEqual({
      Effect: 'Allow',
      Action: [
        'sagemaker:AddTags',
        'sagemaker:CreateEndpointConfig',
        'sagemaker:CreateModel',
        'sagemaker:DescribeEndpointConfig',
        'sagemaker:DescribeModel',
      ],
      Resource: [`${ACCOUNT_ARN}:endpoint-config/verdict-*`, `${ACCOUNT_ARN}:model/verdict-*`],
    });
    expect(flatStatement(bySid(statements, 'ReadServedModels'))).toEqual({
      Effect: 'Allow',
      Action: ['sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel', 'sagemaker:ListTags'],
      Resource: [`${ACCOUNT_ARN}:endpoint-config/*`, `${ACCOUNT_ARN}:model/*`],
    });
    expect(flatStatement(bySid(statements, 'ReadEndpoints'))).toEqual({
      Effect: 'Allow',
      Action: ['sagemaker:DescribeEndpoint', 'sagemaker:ListTags'],
      Resource: [`${ACCOUNT_ARN}:endpoint/*`],
    });
    expect(flatStatement(bySid(statements, 'CreateGovernedEndpoints'))).toEqual({
      Effect: 'Allow',
      Action: ['sagemaker:AddTags', 'sagemaker:CreateEndpoint'],
      Resource: [`${ACCOUNT_ARN}:endpoint-config/verdict-*`, `${ACCOUNT_ARN}:endpoint/*`],
      Condition: { Null: { [`aws:RequestTag/${tag}`]: 'false' } },
    });
    expect(flatStatement(bySid(statements, 'ChangeGovernedEndpoints'))).toEqual({
      Effect: 'Allow',
      Action: ['sagemaker:AddTags', 'sagemaker:DeleteEndpoint', 'sagemaker:UpdateEndpoint'],
      Resource: [`${ACCOUNT_ARN}:endpoint-config/verdict-*`, `${ACCOUNT_ARN}:endpoint/*`],
      Condition: { Null: { [`aws:ResourceTag/${tag}`]: 'false' } },
    });
    expect(flatStatement(bySid(statements, 'UnmarkGovernedEndpoints'))).toEqual({
      Effect: 'Allow',
      Action: ['sagemaker:DeleteTags'],
      Resource: [`${ACCOUNT_ARN}:endpoint/*`],
      Condition: {
        Null: { [`aws:ResourceTag/${tag}`]: 'false' },
        'ForAllValues:StringNotEquals': { 'aws:TagKeys': [tag] },
      },
    });
    const executionRole = dev.stack.deployments.executionRole;
    if (!executionRole) throw new Error('expected the stack to create the SageMaker execution role');
    expect(flatStatement(bySid(statements, 'PassSageMakerExecutionRole'))).toEqual({
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: [arnOf(dev, executionRole)],
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
  });

  it('governs the tag the SageMaker target writes on every endpoint it creates', () => {
    expect(GOVERNED_ENDPOINT_TAG).toBe(DECISION_ID_TAG);
  });

  it('schedules bake ends in its group only, and publishes only status changes, out-of-band alerts, revocations and promotions', () => {
    const statements = roleStatements(dev, dev.stack.functions['deployment-orchestrator'].role);
    expect(flatStatement(bySid(statements, 'ScheduleBakeEnds'))).toEqual({
      Effect: 'Allow',
      Action: [
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
        'scheduler:UpdateSchedule',
      ],
      Resource: [
        'arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/verdict-dev-bakes/*',
      ],
    });
    expect(flatStatement(bySid(statements, 'PassBakeSchedulerRole'))).toEqual({
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: [arnOf(dev, dev.stack.deployments.schedulerRole)],
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    });
    const publish = statements.filter((st) => asList(st.Action).includes('events:PutEvents'));
    const publishing = (...detailTypes: string[]) => ({
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: [arnOf(dev, dev.stack.verdictBus)],
      Condition: {
        StringEquals: { 'events:source': ['verdict'], 'events:detail-type': detailTypes },
      },
    });
    expect(publish.map(flatStatement)).toEqual([
      publishing('Verdict Decision Revoked'),
      publishing('Verdict Deployment Status Change', 'Verdict Out-Of-Band Deployment'),
      publishing('Verdict Deployment Requested'),
    ]);
  });

  it('may set a governed model version to Rejected (an alarm revoking its approval), never approve one', () => {
    const statements = roleStatements(dev, dev.stack.functions['deployment-orchestrator'].role);
    const updates = statements.filter((st) => asList(st.Action).includes('sagemaker:UpdateModelPackage'));
    expect(updates.map(flatStatement)).toEqual([
      {
        Effect: 'Allow',
        Action: ['sagemaker:UpdateModelPackage'],
        Resource: flatStatement(bySid(statements, 'GovernModelPackages')).Resource,
        Condition: { StringEquals: { 'sagemaker:ModelApprovalStatus': 'Rejected' } },
      },
    ]);
  });

  it('reads and writes the deployments table and each index, deletes only target claims, nothing more on it', () => {
    const statements = roleStatements(dev, dev.stack.functions['deployment-orchestrator'].role);
    const table = arnOf(dev, dev.stack.storage.deploymentsTable);
    const onTable = statements.filter((st) => asList(st.Resource).some((r) => flat(r).startsWith(table)));
    expect(onTable.map(flatStatement)).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: [table] },
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: [table, `${table}/index/by-decision`, `${table}/index/by-target`, `${table}/index/by-time`],
      },
      { Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: [table] },
      {
        Effect: 'Allow',
        Action: ['dynamodb:DeleteItem'],
        Resource: [table],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TARGET#*'] } },
      },
    ]);
  });

  it('has no wildcard action and no Resource "*" but X-Ray', () => {
    const statements = roleStatements(prod, prod.stack.functions['deployment-orchestrator'].role);
    const allowed = statements.filter((st) => st.Effect === 'Allow');
    for (const st of allowed) {
      for (const action of asList(st.Action)) expect(action, st.Sid).not.toMatch(/\*/);
    }
    const star = allowed.filter((st) => asList(st.Resource).includes('*'));
    expect(star.flatMap((st) => asList(st.Action)).sort()).toEqual([
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });
});

describe('the bake scheduler and SageMaker execution roles', () => {
  it('lets only EventBridge Scheduler of this account and group assume the scheduler role', () => {
    const s = dev.stack.deployments;
    const role = props(dev, s.schedulerRole);
    expect(JSON.parse(flat(JSON.stringify(role.AssumeRolePolicyDocument)))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnEquals: {
              'aws:SourceArn': { 'Fn::GetAtt': [logicalIdOf(dev.stack, s.scheduleGroup), 'Arn'] },
            },
          },
        },
      ],
    });
    expect(roleStatements(dev, s.schedulerRole).map(flatStatement)).toEqual([
      {
        Effect: 'Allow',
        Action: ['events:PutEvents'],
        Resource: [arnOf(dev, dev.stack.verdictBus)],
        Condition: {
          StringEquals: {
            'events:source': ['verdict'],
            'events:detail-type': ['Verdict Deployment Bake Ended'],
          },
        },
      },
    ]);
    expect(props(dev, s.scheduleGroup).Name).toBe('verdict-dev-bakes');
  });

  it('creates a least-privilege SageMaker execution role: ECR of this account, the artifact locations, endpoint logs', () => {
    const role = prod.stack.deployments.executionRole;
    if (!role) throw new Error('expected the stack to create the SageMaker execution role');
    const trust = (props(prod, role).AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'sagemaker.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(roleStatements(prod, role).map(flatStatement)).toEqual([
      { Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
      {
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Resource: ['arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/*'],
      },
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [
          'arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/Endpoints/*',
        ],
      },
      {
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: [
          'arn:<AWS::Partition>:s3:::acme-models/credit/*',
          'arn:<AWS::Partition>:s3:::acme-shared/*',
        ],
      },
    ]);
  });
});

describe('deployment requests: the API and the operator role', () => {
  const requestStatement = (b: BuiltStack) => ({
    Effect: 'Allow',
    Action: ['events:PutEvents'],
    Resource: [arnOf(b, b.stack.verdictBus)],
    Condition: {
      StringEquals: {
        'events:source': ['verdict'],
        'events:detail-type': ['Verdict Deployment Requested', 'Verdict Deployment Rollback Requested'],
      },
    },
  });

  it('lets the API read deployments and publish only the two request events, and names the table', () => {
    const role = dev.stack.apiFunction.role;
    const statements = roleStatements(dev, role);
    const table = arnOf(dev, dev.stack.storage.deploymentsTable);
    expect(flatStatement(bySid(statements, 'ReadDeployments'))).toEqual({
      Effect: 'Allow',
      Action: ['dynamodb:GetItem'],
      Resource: [table],
    });
    expect(flatStatement(bySid(statements, 'ListDeployments')).Resource).toEqual([
      table,
      `${table}/index/by-decision`,
      `${table}/index/by-target`,
      `${table}/index/by-time`,
    ]);
    expect(flatStatement(bySid(statements, 'RequestDeployments'))).toEqual(requestStatement(dev));
    const writes = statements.filter(
      (st) =>
        st.Effect === 'Allow' &&
        asList(st.Resource).some((r) => flat(r).startsWith(table)) &&
        asList(st.Action).some((a) => a !== 'dynamodb:GetItem' && a !== 'dynamodb:Query'),
    );
    expect(writes).toEqual([]);
    const variables = (props(dev, dev.stack.apiFunction.function).Environment as { Variables: Json })
      .Variables;
    expect(flat(variables.VERDICT_DEPLOYMENTS_TABLE)).toBe(ref(dev, dev.stack.storage.deploymentsTable));
  });

  it('gives the operator role the same reads and requests, so `verdict deploy --stack` works', () => {
    const role = prod.stack.operatorRole;
    if (!role) throw new Error('expected an operator role');
    const statements = roleStatements(prod, role);
    expect(flatStatement(bySid(statements, 'RequestDeployments'))).toEqual(requestStatement(prod));
    expect(bySid(statements, 'ReadDeployments').Action).toBe('dynamodb:GetItem');
    expect(bySid(statements, 'ListDeployments').Action).toBe('dynamodb:Query');
    for (const sid of ['ManageDeploymentModels', 'ScheduleBakeEnds', 'WriteDeployments'])
      expect(statements.map((st) => st.Sid)).not.toContain(sid);
  });

  it('lets the operator role reject governed versions and announce it, never approve one (`decisions revoke --stack`)', () => {
    const role = prod.stack.operatorRole;
    if (!role) throw new Error('expected an operator role');
    const statements = roleStatements(prod, role);
    expect(flatStatement(bySid(statements, 'RejectModelPackages'))).toEqual({
      Effect: 'Allow',
      Action: ['sagemaker:UpdateModelPackage'],
      Resource: [`${ACCOUNT_ARN}:model-package/*`],
      Condition: { StringEquals: { 'sagemaker:ModelApprovalStatus': 'Rejected' } },
    });
    expect(flatStatement(bySid(statements, 'PublishRevocations'))).toEqual({
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: [arnOf(prod, prod.stack.verdictBus)],
      Condition: {
        StringEquals: { 'events:source': ['verdict'], 'events:detail-type': ['Verdict Decision Revoked'] },
      },
    });
    const updates = statements.filter(
      (st) => st.Effect === 'Allow' && asList(st.Action).includes('sagemaker:UpdateModelPackage'),
    );
    expect(updates.map((st) => st.Sid)).toEqual(['RejectModelPackages']);
  });
});

describe('the deployment routes', () => {
  const deploymentRoutes = routes.filter((route) => route.target === 'deployment-orchestrator');

  it('each deliver to the orchestrator with retries and an encrypted dead-letter queue that alarms', () => {
    expect(deploymentRoutes.map((route) => route.id).sort()).toEqual(
      [
        'decision-revoked',
        'deployment-alarm',
        'deployment-bake-ended',
        'deployment-requested',
        'deployment-rollback-requested',
        'model-version-allowed',
        'sagemaker-endpoint-state-change',
        'sagemaker-out-of-band-call',
      ].sort(),
    );
    const fnArn = arnOf(dev, dev.stack.functions['deployment-orchestrator'].function);
    const alarms = Object.values(resourcesOfType(dev.template, 'AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties as Json,
    );
    for (const route of deploymentRoutes) {
      const rule = Object.values(resourcesOfType(dev.template, 'AWS::Events::Rule'))
        .map((r) => r.Properties as Json)
        .find((r) => r.Name === ruleNameFor(route, 'dev'));
      if (!rule) throw new Error(`no rule for ${route.id}`);
      expect(rule.EventBusName === undefined, route.id).toBe(route.bus === 'default');
      const [target] = rule.Targets as Json[];
      expect(flat(target?.Arn)).toBe(fnArn);
      const queue = dev.stack.routing.deadLetterQueue(route.id);
      expect(flat((target?.DeadLetterConfig as Json | undefined)?.Arn)).toBe(arnOf(dev, queue));
      expect(target?.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 8 });
      expect(props(dev, queue).KmsMasterKeyId).toBeDefined();
      const onQueue = alarms.filter((a) =>
        asList(a.Dimensions as Json[]).some(
          (d) => flat(d.Value) === `${arnOf(dev, queue).replace('.Arn', '.QueueName')}`,
        ),
      );
      expect(onQueue, route.id).toHaveLength(1);
    }
    const errors = alarms.filter(
      (a) =>
        a.MetricName === 'Errors' &&
        asList(a.Dimensions as Json[]).some(
          (d) => flat(d.Value) === ref(dev, dev.stack.functions['deployment-orchestrator'].function),
        ),
    );
    expect(errors).toHaveLength(1);
  });
});

describe('the deployment guard', () => {
  it('is absent unless verdict:enforceSageMakerDeployments', () => {
    expect(dev.stack.deploymentGuard).toBeUndefined();
    expect(Object.keys(dev.template.toJSON().Outputs)).not.toContain('DeploymentGuardPolicyArn');
  });

  it('denies changing governed endpoints, Verdict tags and Verdict names to all but the orchestrator and break-glass', () => {
    const guard = prod.stack.deploymentGuard;
    if (!guard) throw new Error('expected the deployment guard');
    const document = props(prod, guard.policy).PolicyDocument as { Statement: Statement[] };
    const deployers = [arnOf(prod, prod.stack.functions['deployment-orchestrator'].role), BREAK_GLASS];
    expect(document.Statement.map((st) => st.Sid)).toEqual([
      'OnlyVerdictChangesGovernedEndpoints',
      'OnlyVerdictWritesVerdictTags',
      'OnlyVerdictUsesDeploymentNames',
    ]);
    for (const st of document.Statement) {
      expect(st.Effect).toBe('Deny');
      const principals = asList((st.Condition?.ArnNotLike as Json | undefined)?.['aws:PrincipalArn']);
      expect(principals.map(flat)).toEqual(deployers);
    }
    const [endpoints, tags, names] = document.Statement as [Statement, Statement, Statement];
    expect(endpoints).toMatchObject({
      Action: [
        'sagemaker:DeleteEndpoint',
        'sagemaker:UpdateEndpoint',
        'sagemaker:UpdateEndpointWeightsAndCapacities',
      ],
      Resource: 'arn:*:sagemaker:*:*:endpoint/*',
    });
    expect(endpoints.Condition?.Null).toEqual({ [`aws:ResourceTag/${GOVERNED_ENDPOINT_TAG}`]: 'false' });
    expect(tags).toMatchObject({
      Action: [
        'sagemaker:AddTags',
        'sagemaker:CreateEndpoint',
        'sagemaker:CreateEndpointConfig',
        'sagemaker:CreateModel',
        'sagemaker:DeleteTags',
      ],
      Resource: '*',
    });
    expect(tags.Condition?.['ForAnyValue:StringLike']).toEqual({ 'aws:TagKeys': ['verdict:*'] });
    expect(names).toMatchObject({
      Action: [
        'sagemaker:CreateEndpointConfig',
        'sagemaker:CreateModel',
        'sagemaker:DeleteEndpointConfig',
        'sagemaker:DeleteModel',
      ],
      Resource: ['arn:*:sagemaker:*:*:endpoint-config/verdict-*', 'arn:*:sagemaker:*:*:model/verdict-*'],
    });
  });

  it('outputs the policy ARN and the same statements as a service control policy document', () => {
    const outputs = prod.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(flat(outputs.DeploymentGuardPolicyArn?.Value)).toBe(
      ref(prod, prod.stack.deploymentGuard?.policy as never),
    );
    const scp = flat(outputs.DeploymentGuardServiceControlPolicy?.Value);
    for (const sid of [
      'OnlyVerdictChangesGovernedEndpoints',
      'OnlyVerdictWritesVerdictTags',
      'OnlyVerdictUsesDeploymentNames',
    ])
      expect(scp).toContain(`"Sid":"${sid}"`);
    expect(scp).toContain('"Effect":"Deny"');
    expect(scp).not.toContain('"Effect":"Allow"');
  });
});

describe('cdk-nag AwsSolutions with every deployment option', () => {
  it('has no unsuppressed errors or warnings', () => {
    for (const b of [prod, own]) {
      const annotations = Annotations.fromStack(b.stack);
      const format = (found: ReturnType<Annotations['findError']>) =>
        found.map((f) => `${f.id}: ${String(f.entry.data).split('\n')[0]}`);
      expect(format(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')))).toEqual([]);
      expect(format(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')))).toEqual([]);
    }
  });
});
