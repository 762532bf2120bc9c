/**
 * The stack's trust-relevant wiring, on templates synthesized without bundling (cheap): names per
 * environment, the rule scoped to the governed groups, retained log groups, key policies, encryption of
 * the Object Lock buckets, the tamper alarm on the decisions table, the bus dead-letter queue.
 */
import { createHash } from 'node:crypto';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes.ts';
import { ApprovalGuard } from '../../infra/constructs/approval-guard.ts';
import { ruleNameFor, scopeToGroupPrefix } from '../../infra/constructs/event-routing.ts';
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

const BREAK_GLASS = 'arn:aws:iam::123456789012:role/ops/verdict-break-glass';
const OPERATORS = ['arn:aws:iam::123456789012:role/ml-governance', 'arn:aws:iam::123456789012:role/privacy'];

let policy: ReturnType<typeof standInPolicyBundle>;
let staging: BuiltStack;
let prod: BuiltStack;

beforeAll(() => {
  policy = standInPolicyBundle();
  staging = buildStack(
    {
      'verdict:environment': 'staging',
      'verdict:retainData': 'false',
      'verdict:modelPackageGroupPrefix': 'credit-',
      'verdict:approvalGuard': 'true',
      'verdict:operatorRoleTrust': OPERATORS.join(','),
    },
    policy.path,
  );
  prod = buildStack({ 'verdict:environment': 'prod', 'verdict:breakGlassRoleArn': BREAK_GLASS }, policy.path);
}, 120_000);

function functionProps(b: BuiltStack, name: 'model-registry-gate' | 'report-worker'): Json {
  return b.resources[logicalIdOf(b.stack, b.stack.functions[name].function)]?.Properties as Json;
}

describe('names per environment: staging and production fit in one account', () => {
  it('derives the stack, bus, rule and log group names from verdict:environment', () => {
    expect([staging.stack.stackName, prod.stack.stackName]).toEqual(['Verdict-staging', 'Verdict-prod']);
    for (const [b, env] of [
      [staging, 'staging'],
      [prod, 'prod'],
    ] as const) {
      b.template.hasResourceProperties('AWS::Events::EventBus', { Name: `verdict-${env}` });
      const ruleNames = Object.values(resourcesOfType(b.template, 'AWS::Events::Rule')).map(
        (r) => (r.Properties as Json).Name,
      );
      expect(ruleNames).toEqual(routes.map((route) => `verdict-${env}-${route.id}`));
      const logGroups = Object.values(resourcesOfType(b.template, 'AWS::Logs::LogGroup')).map(
        (r) => (r.Properties as Json).LogGroupName as string,
      );
      expect(logGroups.length).toBeGreaterThan(0);
      for (const name of logGroups) expect(name.startsWith(`/verdict/Verdict-${env}/`)).toBe(true);
    }
  });

  it('retains log groups on update or delete only, so a failed first deploy can be retried', () => {
    for (const resource of Object.values(resourcesOfType(prod.template, 'AWS::Logs::LogGroup'))) {
      expect(resource.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(resource.UpdateReplacePolicy).toBe('Retain');
    }
    for (const resource of Object.values(resourcesOfType(staging.template, 'AWS::Logs::LogGroup')))
      expect(resource.DeletionPolicy).toBe('Delete');
  });
});

describe('the model package rule matches only the governed groups', () => {
  const route = routes.find((r) => r.id === 'model-package-pending-approval');
  if (!route) throw new Error('no model package route');

  it('puts verdict:modelPackageGroupPrefix in the rule pattern, not only in IAM', () => {
    const rule = Object.values(resourcesOfType(staging.template, 'AWS::Events::Rule'))
      .map((r) => r.Properties as Json)
      .find((r) => r.Name === ruleNameFor(route, 'staging')) as Json;
    expect((rule.EventPattern as { detail: Json }).detail.ModelPackageGroupName).toEqual([
      { prefix: 'credit-' },
    ]);
    expect(scopeToGroupPrefix(route.pattern, '')).toBe(route.pattern);
  });

  it('refuses to rewrite a group condition it does not know', () => {
    expect(() => scopeToGroupPrefix({ detail: { ModelPackageGroupName: ['a'] } }, 'credit-')).toThrowError(
      'functions/routes.ts: a ModelPackageGroupName condition other than [{"anything-but":{"prefix":"sandbox-"}}] cannot take verdict:modelPackageGroupPrefix',
    );
  });

  it('hard-codes no partition in any rule pattern', () => {
    for (const b of [staging, prod])
      for (const rule of Object.values(resourcesOfType(b.template, 'AWS::Events::Rule')))
        expect(JSON.stringify((rule.Properties as Json).EventPattern)).not.toMatch(/arn:aws/);
  });
});

describe('deployment packages', () => {
  it('tell the gate the SHA-256 of the policy bundle they carry', () => {
    const variables = (functionProps(prod, 'model-registry-gate').Environment as { Variables: Json })
      .Variables;
    expect(variables.VERDICT_POLICY_BUNDLE_SHA256).toBe(
      createHash('sha256').update(policy.bytes).digest('hex'),
    );
  });

  it('run without source maps in production', () => {
    for (const name of ['model-registry-gate', 'report-worker'] as const) {
      const variables = (functionProps(prod, name).Environment as { Variables: Json }).Variables;
      expect(variables.NODE_OPTIONS).toBeUndefined();
      const stagingVariables = (functionProps(staging, name).Environment as { Variables: Json }).Variables;
      expect(stagingVariables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it('reserve concurrency for the report worker only', () => {
    expect(functionProps(prod, 'report-worker').ReservedConcurrentExecutions).toBe(2);
    expect(functionProps(prod, 'model-registry-gate').ReservedConcurrentExecutions).toBeUndefined();
  });
});

function keyStatements(b: BuiltStack, key: { node: { defaultChild?: unknown } }): Statement[] {
  const resource = b.resources[logicalIdOf(b.stack, key)] as {
    Properties: { KeyPolicy: { Statement: Statement[] } };
  };
  return resource.Properties.KeyPolicy.Statement;
}

function roleArn(
  b: BuiltStack,
  name: 'model-registry-gate' | 'report-worker' | 'deployment-orchestrator',
): Json {
  return { 'Fn::GetAtt': [logicalIdOf(b.stack, b.stack.functions[name].role), 'Arn'] };
}

// A CloudFormation substitution, not a template literal.
const CFN_EXEC_ROLE = {
  'Fn::Sub':
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub placeholders
    'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}',
};

describe('signing keys: checkpoints and report manifests', () => {
  it('gives report manifests their own Ed25519 key, which only the report worker may sign with', () => {
    const { reportSigningKey } = prod.stack.storage;
    const props = prod.resources[logicalIdOf(prod.stack, reportSigningKey)]?.Properties as Json;
    expect(props).toMatchObject({ KeySpec: 'ECC_NIST_EDWARDS25519', KeyUsage: 'SIGN_VERIFY' });
    expect(keyStatements(prod, reportSigningKey)).toContainEqual({
      Sid: 'SignOnlyByTheRegisteredSigners',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:Sign',
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [roleArn(prod, 'report-worker')] } },
    });
    const variables = (functionProps(prod, 'report-worker').Environment as { Variables: Json }).Variables;
    expect(variables.VERDICT_REPORT_SIGNING_KEY_ID).toEqual({
      'Fn::GetAtt': [logicalIdOf(prod.stack, reportSigningKey), 'Arn'],
    });
  });

  it('lets only the ledger appenders (gate, deployment orchestrator) sign checkpoints: the report worker holds no grant on the ledger key', () => {
    const ledgerKey = prod.stack.ledger.signingKey;
    expect(keyStatements(prod, ledgerKey)).toContainEqual(
      expect.objectContaining({
        Sid: 'SignOnlyByTheRegisteredSigners',
        Effect: 'Deny',
        Action: 'kms:Sign',
        Condition: {
          ArnNotEquals: {
            'aws:PrincipalArn': [
              roleArn(prod, 'model-registry-gate'),
              roleArn(prod, 'deployment-orchestrator'),
            ],
          },
        },
      }),
    );
    const ledgerKeyArn = `<${logicalIdOf(prod.stack, ledgerKey)}.Arn>`;
    const workerPolicy = prod.resources[
      logicalIdOf(
        prod.stack,
        prod.stack.functions['report-worker'].role.node.tryFindChild('DefaultPolicy') as never,
      )
    ]?.Properties as { PolicyDocument: { Statement: Statement[] } };
    const onLedgerKey = workerPolicy.PolicyDocument.Statement.filter((st) =>
      asList(st.Resource).some((r) => flat(r) === ledgerKeyArn),
    );
    expect(onLedgerKey).toEqual([]);
  });

  it('signs checkpoints by the operator role too when verdict:operatorRoleTrust names who may assume it', () => {
    const operator = staging.stack.operatorRole;
    if (!operator)
      throw new Error('staging was built with verdict:operatorRoleTrust: expected an operator role');
    const operatorArn = { 'Fn::GetAtt': [logicalIdOf(staging.stack, operator), 'Arn'] };
    expect(keyStatements(staging, staging.stack.ledger.signingKey)).toContainEqual(
      expect.objectContaining({
        Sid: 'SignOnlyByTheRegisteredSigners',
        Condition: {
          ArnNotEquals: {
            'aws:PrincipalArn': [
              roleArn(staging, 'model-registry-gate'),
              roleArn(staging, 'deployment-orchestrator'),
              operatorArn,
            ],
          },
        },
      }),
    );
    const role = staging.resources[logicalIdOf(staging.stack, operator)]?.Properties as Json;
    expect(role.MaxSessionDuration).toBe(3600);
    const trusted = (role.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement.flatMap((st) =>
      asList((st.Principal as { AWS: unknown }).AWS),
    );
    expect(trusted.sort()).toEqual([...OPERATORS].sort());
    const policy = staging.resources[
      logicalIdOf(staging.stack, operator.node.tryFindChild('DefaultPolicy') as never)
    ]?.Properties as { PolicyDocument: { Statement: Statement[] } };
    const sids = policy.PolicyDocument.Statement.map((st) => st.Sid);
    expect(sids).toEqual(
      expect.arrayContaining(['DecisionsAreImmutable', 'LedgerIsAppendOnly', 'LedgerSignCheckpoints']),
    );
    expect(staging.template.findOutputs('OperatorRoleArn')).toHaveProperty('OperatorRoleArn');
    expect(prod.stack.operatorRole).toBeUndefined();
    expect(prod.template.findOutputs('OperatorRoleArn')).toEqual({});
  });

  it.each([
    ['checkpoint key', (b: BuiltStack) => b.stack.ledger.signingKey],
    ['report key', (b: BuiltStack) => b.stack.storage.reportSigningKey],
  ])(
    '%s: nobody but the break-glass role deletes or disables it, or changes its policy outside a deployment',
    (_label, keyOf) => {
      const statements = keyStatements(prod, keyOf(prod));
      expect(statements).toContainEqual({
        Sid: 'NoDeletionOrDisablingButBreakGlass',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['kms:DisableKey', 'kms:ScheduleKeyDeletion'],
        Resource: '*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': [BREAK_GLASS] } },
      });
      expect(statements).toContainEqual({
        Sid: 'NoPolicyChangeButBreakGlassOrDeployment',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:PutKeyPolicy',
        Resource: '*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': [BREAK_GLASS, CFN_EXEC_ROLE] } },
      });
      // Without a break-glass role and with retainData=false, only the stack's own deletion removes the key.
      expect(keyStatements(staging, keyOf(staging))).toContainEqual(
        expect.objectContaining({
          Sid: 'NoDeletionOrDisablingButBreakGlass',
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': [CFN_EXEC_ROLE] } },
        }),
      );
    },
  );
});

describe('Object Lock buckets', () => {
  it('are SSE-S3: no customer key whose deletion would make locked evidence unreadable', () => {
    const locked = Object.values(resourcesOfType(prod.template, 'AWS::S3::Bucket')).filter(
      (bucket) => (bucket.Properties as Json).ObjectLockEnabled === true,
    );
    expect(locked).toHaveLength(2); // reports, ledger anchor
    for (const bucket of locked)
      expect((bucket.Properties as Json).BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
  });
});

describe('decision tampering', () => {
  it('streams the keys of every MODIFY or REMOVE in the decisions table to a queue that alarms', () => {
    const { stack, resources } = prod;
    const table = resources[logicalIdOf(stack, stack.storage.decisionsTable)]?.Properties as Json;
    expect(table.StreamSpecification).toEqual({ StreamViewType: 'KEYS_ONLY' });

    const pipe = resources[logicalIdOf(stack, { node: { defaultChild: stack.tamperWatch.pipe } })]
      ?.Properties as Json;
    const queueArn = { 'Fn::GetAtt': [logicalIdOf(stack, stack.tamperWatch.queue), 'Arn'] };
    expect(pipe).toMatchObject({
      Source: { 'Fn::GetAtt': [logicalIdOf(stack, stack.storage.decisionsTable), 'StreamArn'] },
      Target: queueArn,
      SourceParameters: {
        FilterCriteria: { Filters: [{ Pattern: '{"eventName":["MODIFY","REMOVE"]}' }] },
        DynamoDBStreamParameters: { StartingPosition: 'TRIM_HORIZON', DeadLetterConfig: { Arn: queueArn } },
      },
    });

    const alarm = Object.values(resourcesOfType(prod.template, 'AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties as Json)
      .find((a) => String(a.AlarmDescription).startsWith('Verdict: decision-tampering:'));
    expect(alarm).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalIdOf(stack, stack.tamperWatch.queue), 'QueueName'] },
        },
      ],
      Threshold: 1,
      AlarmActions: [{ Ref: logicalIdOf(stack, stack.alarms.topic) }],
    });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it.each([
    ['staging', () => staging],
    ['prod with a break-glass role', () => prod],
  ])('%s: no unsuppressed errors or warnings', (_label, get) => {
    const annotations = Annotations.fromStack(get().stack);
    const format = (found: ReturnType<Annotations['findError']>) =>
      found.map((f) => `${f.id}: ${String(f.entry.data)}`);
    expect(format(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')))).toEqual([]);
    expect(format(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')))).toEqual([]);
  });
});

describe('write-once reports and the bus dead-letter queue', () => {
  it('refuses any PutObject without If-None-Match on the reports bucket, whoever sends it', () => {
    const bucketId = logicalIdOf(prod.stack, prod.stack.storage.reportsBucket);
    const policy = Object.values(resourcesOfType(prod.template, 'AWS::S3::BucketPolicy')).find(
      (p) => flat((p.Properties as Json).Bucket) === `<${bucketId}>`,
    );
    const statements = ((policy as Json).Properties as { PolicyDocument: { Statement: Statement[] } })
      .PolicyDocument.Statement;
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
  });

  it('gives the encrypted verdict bus a dead-letter queue EventBridge may write to, and an alarm on it', () => {
    const { stack, resources } = prod;
    const queueId = logicalIdOf(stack, stack.busDeadLetterQueue);
    const bus = resources[logicalIdOf(stack, stack.verdictBus)]?.Properties as Json;
    expect(bus.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } });

    const busArn = 'arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:event-bus/verdict-prod';
    const queuePolicy = Object.values(resourcesOfType(prod.template, 'AWS::SQS::QueuePolicy')).find((p) =>
      asList((p.Properties as Json).Queues).some((q) => flat(q) === `<${queueId}>`),
    );
    const queueStatements = (
      (queuePolicy as Json).Properties as { PolicyDocument: { Statement: Statement[] } }
    ).PolicyDocument.Statement;
    const send = queueStatements.find((st) => st.Sid === 'AllowVerdictBusDeadLetters');
    expect(send).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
    });
    expect(flat(((send as Statement).Condition as { ArnEquals: Json }).ArnEquals['aws:SourceArn'])).toBe(
      busArn,
    );

    const keyGrant = keyStatements(prod, stack.storage.key).find(
      (st) => st.Sid === 'AllowVerdictBusDeadLetters',
    );
    expect(keyGrant).toMatchObject({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'] });
    expect(flat(((keyGrant as Statement).Condition as { ArnEquals: Json }).ArnEquals['aws:SourceArn'])).toBe(
      busArn,
    );

    const alarm = Object.values(resourcesOfType(prod.template, 'AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties as Json)
      .find((a) => String(a.AlarmDescription).startsWith('Verdict: verdict-prod-bus-dead-letters:'));
    expect(alarm?.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } },
    ]);
  });
});

describe('the approval guard (verdict:approvalGuard)', () => {
  const expected = (approvers: unknown[], prefix: string) => [
    {
      Sid: 'OnlyVerdictApprovesGovernedModels',
      Effect: 'Deny',
      Action: 'sagemaker:UpdateModelPackage',
      Resource: `arn:*:sagemaker:*:*:model-package/${prefix}*`,
      Condition: {
        StringEquals: { 'sagemaker:ModelApprovalStatus': 'Approved' },
        ArnNotLike: { 'aws:PrincipalArn': approvers },
      },
    },
    {
      Sid: 'NoGovernedModelRegisteredAsApproved',
      Effect: 'Deny',
      Action: 'sagemaker:CreateModelPackage',
      Resource: `arn:*:sagemaker:*:*:model-package/${prefix}*`,
      Condition: {
        StringEquals: { 'sagemaker:ModelApprovalStatus': 'Approved' },
        ArnNotLike: { 'aws:PrincipalArn': approvers },
      },
    },
  ];

  it('reserves approving (or registering as approved) a governed version to the gate role', () => {
    const guard = staging.stack.approvalGuard;
    if (!guard) throw new Error('no approval guard');
    const policy = staging.resources[logicalIdOf(staging.stack, guard.policy)]?.Properties as {
      PolicyDocument: { Statement: unknown[] };
    };
    expect(policy.PolicyDocument.Statement).toEqual(
      expected([roleArn(staging, 'model-registry-gate')], 'credit-'),
    );
    expect(prod.stack.approvalGuard).toBeUndefined();
  });

  it('renders the same statements as an Organizations SCP for the management account', () => {
    const stack = new Stack(new App(), 'Org');
    const gate = 'arn:aws:iam::123456789012:role/Verdict-prod-ModelRegistryGateRole178629B6-AbC';
    new ApprovalGuard(stack, 'Guard', {
      groupPrefix: 'Credit-',
      approverRoleArns: [gate, BREAK_GLASS],
      scpTargetIds: ['ou-abcd-12345678'],
      name: 'verdict-prod-approval-guard',
    });
    const template = Template.fromStack(stack);
    const [statement] = expected([gate, BREAK_GLASS], 'Credit-');
    template.hasResourceProperties('AWS::Organizations::Policy', {
      Name: 'verdict-prod-approval-guard',
      Type: 'SERVICE_CONTROL_POLICY',
      TargetIds: ['ou-abcd-12345678'],
      Content: {
        Version: '2012-10-17',
        Statement: Match.arrayWith([
          {
            ...statement,
            Resource: [
              'arn:*:sagemaker:*:*:model-package/Credit-*',
              'arn:*:sagemaker:*:*:model-package/credit-*',
            ],
          },
        ]),
      },
    });
  });
});
