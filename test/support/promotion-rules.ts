/** Promotion rules the tests configure: the credit scorer's group promoted to an endpoint, as a rule names it. */
import type { PromotionRule } from '../../functions/contracts/promotion-rule.ts';
import { allowedRequest } from './deployment-saga.ts';

const { modelPackageArn: _arn, target: _target, ...template } = allowedRequest;

/** Deploys every allowed credit-scorer version to `credit-scorer-prod` (what the saga fixture's gate allows). */
export const creditScorerRule: PromotionRule = {
  name: 'credit-scorer-prod',
  modelPackageGroup: 'credit-*',
  target: 'sagemaker:credit-scorer-prod',
  ...template,
};
