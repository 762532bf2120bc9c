/**
 * The stack's trust-relevant wiring, on templates synthesized without bundling (cheap): names per
 * environment, the rule scoped to the governed groups, retained log groups, key policies, encryption of
 * the Object Lock buckets, the tamper alarm on the decisions table, the bus dead-letter queue.
 */
import { createHash } from 'node:crypto';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes.ts';
import { ruleNameFor, scopeToGroupPrefix } from '../../infra/constructs/event-routing.ts';
import type { VerdictStack } from '../../infra/verdict-stack.ts';
import {
  asList,
  buildApp,
  flat,
  type Json,
  logicalIdOf,
  NO_BUNDLING,
  resourcesOfType,
  type Statement,
  standInPolicyBundle,
} from './synth.ts';

const BREAK_GLASS = 'arn:aws:iam::123456789012:role/ops/verdict-break-glass';

interface Built {
  stack: VerdictStack;
  template: Template;
  resources: Record<string, Json>;
}

function build(context: Record<string, unknown>, policyBundlePath: string): Built {
  const { stack } = buildApp({ ...NO_BUNDLING, ...context }, { policyBundlePath });
  const template = Template.fromStack(stack);
  return { stack, template, resources: template.toJSON().Resources as Record<string, Json> };
}

let policy: ReturnType<typeof standInPolicyBundle>;
let staging: Built;
let prod: Built;

beforeAll(() => {
  policy = standInPolicyBundle();
  staging = build(
    {
      'verdict:environment': 'staging',
      'verdict:retainData': 'false',
      'verdict:modelPackageGroupPrefix': 'credit-',
    },
    policy.path,
  );
  prod = build({ 'verdict:environment': 'prod', 'verdict:breakGlassRoleArn': BREAK_GLASS }, policy.path);
}, 120_000);

function functionProps(b: Built, name: 'model-registry-gate' | 'report-worker'): Json {
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
