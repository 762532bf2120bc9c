/**
 * Promotion rules as configured: a rule is a deployment request without its version, with its target named
 * as the CLI names it; a bad rule is refused with each problem located, and group wildcards match whole names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MAX_PROMOTION_RULES,
  parseTargetName,
  promotionRequest,
  promotionRuleProblems,
  promotionRulesSchema,
  ruleMatchesGroup,
} from '../../../functions/contracts/promotion-rule.ts';
import { ARN } from '../../support/deployment-requests.ts';
import { allowedRequest } from '../../support/deployment-saga.ts';
import { creditScorerRule } from '../../support/promotion-rules.ts';
import { markdownBlocks } from '../../support/readme-blocks.ts';

const rule = creditScorerRule;

describe('promotion rules', () => {
  it('accepts a rule and turns it into the deployment request of an allowed version', () => {
    expect(promotionRuleProblems([rule])).toEqual([]);
    const [parsed] = promotionRulesSchema.parse([rule]);
    const request = promotionRequest(parsed ?? rule, ARN);
    expect(request.modelPackageArn).toBe(ARN);
    expect(request.target).toEqual({ kind: 'sagemaker', endpointName: 'credit-scorer-prod' });
    expect(request.environment).toBe('prod');
    expect(request.strategy.type).toBe('canary');
  });

  it('accepts the example of docs/deployments.md', () => {
    const page = readFileSync(join(import.meta.dirname, '../../../docs/deployments.md'), 'utf8');
    const section = page.slice(page.indexOf('## Promotion rules'));
    const [example] = markdownBlocks(section).filter((block) => block.lang === 'json');
    expect(promotionRuleProblems(JSON.parse(example?.body ?? 'null'))).toEqual([]);
  });

  it('reads both target forms and refuses any other', () => {
    expect(parseTargetName('eks:ml-prod/serving/credit-scorer')).toEqual({
      kind: 'eks',
      cluster: 'ml-prod',
      namespace: 'serving',
      name: 'credit-scorer',
    });
    expect(parseTargetName('sagemaker:scorer-staging')).toEqual({
      kind: 'sagemaker',
      endpointName: 'scorer-staging',
    });
    expect(parseTargetName('eks:ml-prod/serving')).toBeUndefined();
    expect(parseTargetName('sagemaker:not_an_endpoint')).toBeUndefined();
    expect(parseTargetName('ecs:scorer')).toBeUndefined();
  });

  it('names every problem of bad rules exactly', () => {
    const { strategy } = allowedRequest;
    expect(
      promotionRuleProblems(
        [
          { target: 'ecs:scorer' },
          { name: 'Staging Rule', modelPackageGroup: 'credit/*' },
          { strategy: { ...strategy, bakeSeconds: 7200 } },
          { modelPackageArn: ARN },
          { replicas: 2, environment: 'qa' },
          { target: 'eks:ml-prod/serving/credit-scorer' },
        ].map((change, index) => ({ ...rule, name: `rule-${index}`, ...change })),
      ),
    ).toEqual([
      'promotions[0].target: expected sagemaker:ENDPOINT or eks:CLUSTER/NAMESPACE/NAME',
      'promotions[1].name: expected a lower-case RFC 1123 label',
      'promotions[1].modelPackageGroup: expected a model package group name, with * or ? as wildcards (1-63 of [a-zA-Z0-9-*?])',
      'promotions[2].strategy.bakeSeconds: Too big: expected number to be <=3600',
      'promotions[3].modelPackageArn: a rule names no version: it deploys the version the model-registry gate allowed',
      'promotions[4].environment: Invalid option: expected one of "dev"|"staging"|"prod"',
      'promotions[4]: Unrecognized key: "replicas"',
      'promotions[5].compute.kind: an eks target runs gpu-replicas',
    ]);
  });

  it('refuses a list that is not one, repeats a name or is too long', () => {
    expect(promotionRuleProblems({ rules: [] })).toEqual(['promotions: expected a list of promotion rules']);
    expect(promotionRuleProblems([rule, { ...rule, modelPackageGroup: 'fraud' }])).toEqual([
      'promotions[1].name: "credit-scorer-prod" names two rules',
    ]);
    const many = Array.from({ length: MAX_PROMOTION_RULES + 1 }, (_, i) => ({ ...rule, name: `rule-${i}` }));
    expect(promotionRuleProblems(many)).toEqual([`promotions: at most ${MAX_PROMOTION_RULES} rules`]);
  });

  it('matches groups exactly or by wildcard, over the whole name', () => {
    const matches = (modelPackageGroup: string, group: string) =>
      ruleMatchesGroup({ modelPackageGroup }, group);
    expect(matches('credit-scorer', 'credit-scorer')).toBe(true);
    expect(matches('credit-scorer', 'credit-scorer-v2')).toBe(false);
    expect(matches('credit-*', 'credit-scorer')).toBe(true);
    expect(matches('credit-*', 'retail-credit-scorer')).toBe(false);
    expect(matches('scorer-?', 'scorer-1')).toBe(true);
    expect(matches('scorer-?', 'scorer-12')).toBe(false);
    expect(matches('*', 'anything')).toBe(true);
  });
});
