/** What grants are checked against in tests: the rules of the built policy bundle, and a few known models. */
import { readFileSync } from 'node:fs';
import type { ExceptionAdmission } from '../../functions/gates/exceptions/grant-exception.ts';
import { RuleCatalogue } from '../../functions/gates/exceptions/rule-catalogue.ts';
import { policyBundlePath } from '../../functions/gates/policy/engine-cache.ts';
import { loadPolicyBundle } from '../../functions/gates/policy/policy-bundle.ts';

export const bundleRules = (): RuleCatalogue =>
  RuleCatalogue.fromPolicyData(loadPolicyBundle(readFileSync(policyBundlePath())).data);

export function admissionFor(
  models: readonly string[] = [
    'cv-ranker',
    'arn:aws:sagemaker:local-1:000000000000:model-package/cv-ranker/1',
  ],
): ExceptionAdmission {
  const rules = bundleRules();
  return {
    rules,
    isKnownModel: async (name) => models.includes(name),
    modelNames: async () => new Set(models),
  };
}

/** The clock of the exception tests, and a grant request valid at it. */
export const NOW = new Date('2026-11-28T12:00:00Z');
export const request = {
  rule: 'bias.disparate_impact',
  subject: 'cv-ranker',
  reason: 'Retraining with reweighted data is scheduled for January',
  approver: 'head-of-model-risk',
  expiresAt: '2027-01-31T00:00:00Z',
};
