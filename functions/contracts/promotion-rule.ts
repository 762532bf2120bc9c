/**
 * Promotion rules: "an approved version of group X deploys to this target automatically". A rule names the
 * model package groups it applies to (exactly or with `*` and `?` wildcards), the target as the CLI names it
 * (`sagemaker:ENDPOINT`, `eks:CLUSTER/NAMESPACE/NAME`) and the rest of a deployment request: the version is
 * the one the model-registry gate allowed. A rule only asks: the deployment gate still decides every request.
 */
import { z } from 'zod';
import {
  type DeploymentRequest,
  type DeploymentTarget,
  deploymentRequestSchema,
  deploymentTargetSchema,
} from './deployment-request.ts';

/** More rules than this is a configuration mistake, not a need (each approved version is checked against all). */
export const MAX_PROMOTION_RULES = 20;

/** A model package group name (SageMaker: 1-63 of [a-zA-Z0-9-]) in which `*` and `?` may stand for characters. */
const GROUP_PATTERN = /^[a-zA-Z0-9*?][a-zA-Z0-9*?-]{0,62}$/;

/** Stands for the allowed version while a rule's request is checked: the rule itself names none. */
const CHECKED_VERSION_ARN = 'arn:aws:sagemaker:us-east-1:000000000000:model-package/promotion-rule/1';

const TARGET_FORMAT = 'expected sagemaker:ENDPOINT or eks:CLUSTER/NAMESPACE/NAME';

/** `sagemaker:credit-scorer-staging` or `eks:ml-prod/serving/credit-scorer` as a deployment target. */
export function parseTargetName(name: string): DeploymentTarget | undefined {
  const sagemaker = /^sagemaker:(.+)$/.exec(name);
  const eks = /^eks:([^/]+)\/([^/]+)\/([^/]+)$/.exec(name);
  const target = sagemaker
    ? { kind: 'sagemaker', endpointName: sagemaker[1] }
    : eks && { kind: 'eks', cluster: eks[1], namespace: eks[2], name: eks[3] };
  const parsed = deploymentTargetSchema.safeParse(target);
  return parsed.success ? parsed.data : undefined;
}

const ruleHeadSchema = z.looseObject({
  /** Names the rule in the ledger and in the deployments it requests; unique among the rules. */
  name: z
    .string({ error: 'expected a rule name' })
    .max(63, { error: 'expected a lower-case RFC 1123 label' })
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'expected a lower-case RFC 1123 label' }),
  modelPackageGroup: z.string({ error: 'expected a model package group name' }).regex(GROUP_PATTERN, {
    error: 'expected a model package group name, with * or ? as wildcards (1-63 of [a-zA-Z0-9-*?])',
  }),
  target: z
    .string({ error: TARGET_FORMAT })
    .refine((name) => parseTargetName(name) !== undefined, { error: TARGET_FORMAT }),
});

/** The deployment request a rule asks for, for one allowed version. */
function requestInput(rule: Record<string, unknown>, modelPackageArn: string): Record<string, unknown> {
  const { name: _name, modelPackageGroup: _group, target, ...template } = rule;
  return { ...template, target: parseTargetName(String(target)), modelPackageArn };
}

export const promotionRuleSchema = ruleHeadSchema.superRefine((rule, ctx) => {
  if (Object.hasOwn(rule, 'modelPackageArn')) {
    ctx.addIssue({
      code: 'custom',
      path: ['modelPackageArn'],
      message: 'a rule names no version: it deploys the version the model-registry gate allowed',
    });
    return;
  }
  const checked = deploymentRequestSchema.safeParse(requestInput(rule, CHECKED_VERSION_ARN));
  if (checked.success) return;
  for (const issue of checked.error.issues) {
    // The target string is checked above, in the rule's own words.
    if (issue.path[0] === 'target') continue;
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
});
export type PromotionRule = z.output<typeof promotionRuleSchema>;

export const promotionRulesSchema = z
  .array(promotionRuleSchema, { error: 'expected a list of promotion rules' })
  .max(MAX_PROMOTION_RULES, { error: `at most ${MAX_PROMOTION_RULES} rules` })
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, index) => {
      if (seen.has(rule.name)) {
        ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `"${rule.name}" names two rules` });
      }
      seen.add(rule.name);
    });
  });

/**
 * Each problem of a list of rules, located: `promotions[1].strategy.bakeSeconds: Too big: ...`. Empty when
 * the list is valid.
 */
export function promotionRuleProblems(raw: unknown): string[] {
  const result = promotionRulesSchema.safeParse(raw);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issuePath(issue.path)}: ${issue.message}`);
}

function issuePath(path: readonly PropertyKey[]): string {
  let text = 'promotions';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  return text;
}

/** Whether a rule's group (exact, or with `*` and `?`) names this model package group. */
export function ruleMatchesGroup(rule: Pick<PromotionRule, 'modelPackageGroup'>, group: string): boolean {
  const pattern = rule.modelPackageGroup.replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${pattern}$`).test(group);
}

/** The request a rule asks for once a version is allowed (the rule was checked when it was read). */
export function promotionRequest(rule: PromotionRule, modelPackageArn: string): DeploymentRequest {
  return deploymentRequestSchema.parse(requestInput(rule, modelPackageArn));
}
