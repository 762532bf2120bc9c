/**
 * Promotion rules in the stack: `verdict:promotions` is checked at synth (each bad rule named, and a size the
 * orchestrator's environment can hold), reaches the orchestrator as the JSON its own parser reads, and an
 * allowed model-registry decision on the verdict bus is routed to it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readDeploymentOrchestratorEnvironment } from '../../functions/deployments/environment.ts';
import { routes } from '../../functions/routes.ts';
import { MAX_PROMOTIONS_JSON_BYTES, parseConfig } from '../../infra/config.ts';
import { ruleNameFor } from '../../infra/constructs/event-routing.ts';
import { creditScorerRule } from '../support/promotion-rules.ts';
import {
  type BuiltStack,
  buildStack,
  type Json,
  logicalIdOf,
  resourcesOfType,
  standInPolicyBundle,
} from './synth.ts';

const stagingRule = {
  ...creditScorerRule,
  name: 'credit-scorer-staging',
  environment: 'staging',
  target: 'sagemaker:credit-scorer-staging',
};

let built: BuiltStack;

beforeAll(() => {
  built = buildStack({ 'verdict:promotions': [stagingRule] }, standInPolicyBundle().path);
}, 180_000);

function errorOf(raw: Record<string, unknown>): string {
  try {
    parseConfig(raw);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('verdict:promotions', () => {
  it('accepts rules as cdk.json gives them and as `-c` gives them (JSON text)', () => {
    expect(parseConfig({ 'verdict:promotions': [stagingRule] }).promotions).toEqual([stagingRule]);
    expect(parseConfig({ 'verdict:promotions': JSON.stringify([stagingRule]) }).promotions).toEqual([
      stagingRule,
    ]);
    expect(parseConfig({}).promotions).toEqual([]);
  });

  it('names every problem of a bad rule, located', () => {
    const bad = [
      { ...stagingRule, target: 'sagemaker:' },
      { ...stagingRule, modelPackageGroup: '' },
    ];
    expect(errorOf({ 'verdict:promotions': bad })).toBe(
      [
        'Invalid Verdict configuration (CDK context):',
        `  verdict:promotions: promotions[0].target: expected sagemaker:ENDPOINT or eks:CLUSTER/NAMESPACE/NAME; promotions[1].modelPackageGroup: expected a model package group name, with * or ? as wildcards (1-63 of [a-zA-Z0-9-*?]); promotions[1].name: "credit-scorer-staging" names two rules (got ${JSON.stringify(bad)})`,
      ].join('\n'),
    );
    expect(errorOf({ 'verdict:promotions': 'credit-*' })).toBe(
      'Invalid Verdict configuration (CDK context):\n  verdict:promotions: promotions: expected a list of promotion rules (got "credit-*")',
    );
  });

  it('refuses more rules than the orchestrator environment holds', () => {
    const many = Array.from({ length: 4 }, (_, i) => ({ ...stagingRule, name: `rule-${i}` }));
    const bytes = Buffer.byteLength(JSON.stringify(many));
    expect(bytes).toBeGreaterThan(MAX_PROMOTIONS_JSON_BYTES);
    expect(errorOf({ 'verdict:promotions': many })).toContain(
      `  verdict:promotions: must be at most ${MAX_PROMOTIONS_JSON_BYTES} bytes of JSON (the orchestrator's environment holds them); these are ${bytes} (got `,
    );
  });
});

describe('promotion in the stack', () => {
  it('gives the orchestrator the rules as its environment parser reads them', () => {
    const fn = built.stack.functions['deployment-orchestrator'].function;
    const props = built.resources[logicalIdOf(built.stack, fn)]?.Properties as Json;
    const variables = (props.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.parse(String(variables.VERDICT_PROMOTIONS))).toEqual([stagingRule]);
    const resolved = Object.fromEntries(
      Object.entries(variables).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : k.endsWith('_ARN') ? 'arn:aws:iam::123456789012:role/x' : 'name',
      ]),
    );
    expect(readDeploymentOrchestratorEnvironment(resolved).VERDICT_PROMOTIONS).toEqual([stagingRule]);
  });

  it('keeps the orchestrator environment within Lambda 4 KB with the largest rules allowed', () => {
    const fn = built.stack.functions['deployment-orchestrator'].function;
    const props = built.resources[logicalIdOf(built.stack, fn)]?.Properties as Json;
    const variables = (props.Environment as { Variables: Record<string, unknown> }).Variables;
    // Tokens resolve to generated names (at most 64 characters) and ARNs of them: 128 is above any.
    const size = Object.entries(variables).reduce(
      (sum, [key, value]) =>
        sum +
        key.length +
        (key === 'VERDICT_PROMOTIONS' ? 0 : typeof value === 'string' ? value.length : 128),
      0,
    );
    expect(size + MAX_PROMOTIONS_JSON_BYTES).toBeLessThanOrEqual(4096);
  });

  it('routes an allowed model-registry decision on the verdict bus to the orchestrator', () => {
    const route = routes.find((r) => r.id === 'model-version-allowed');
    expect(route).toMatchObject({ bus: 'verdict', target: 'deployment-orchestrator' });
    const rule = Object.values(resourcesOfType(built.template, 'AWS::Events::Rule'))
      .map((r) => r.Properties as Json)
      .find((r) => r.Name === ruleNameFor({ id: 'model-version-allowed' }, 'dev'));
    expect(rule?.EventPattern).toEqual({
      source: ['verdict'],
      'detail-type': ['Verdict Decision'],
      detail: { gate: ['model-registry'], decision: ['allow'] },
    });
    expect(rule?.EventBusName).toBeDefined();
  });
});
