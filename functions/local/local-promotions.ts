/**
 * The local promotion rules: `<data dir>/promotions.json`, a list of rules as `verdict:promotions` takes them
 * in cdk.json. No file, no rules. A bad file stops the runtime with each problem named, as a bad
 * `verdict:promotions` stops `cdk synth`: rules half read would promote what nobody asked for.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type PromotionRule,
  promotionRuleProblems,
  promotionRulesSchema,
} from '../contracts/promotion-rule.ts';
import { InvalidInputError } from '../shared/validation.ts';

export const PROMOTIONS_FILE = 'promotions.json';

export function readLocalPromotions(dataDir: string): PromotionRule[] {
  const path = join(dataDir, PROMOTIONS_FILE);
  if (!existsSync(path)) return [];
  let rules: unknown;
  try {
    rules = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InvalidInputError('promotions.invalid', [`${path}: not JSON: ${(error as Error).message}`]);
  }
  const problems = promotionRuleProblems(rules);
  if (problems.length > 0) {
    throw new InvalidInputError(
      'promotions.invalid',
      problems.map((problem) => `${path}: ${problem}`),
    );
  }
  return promotionRulesSchema.parse(rules);
}
