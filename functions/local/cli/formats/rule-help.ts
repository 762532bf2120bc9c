/** Where a rule's reference can be read: the URL it cites, else the text it implements. */
import type { Violation } from '../../../contracts/decision.ts';

export const AI_ACT_URI = 'https://eur-lex.europa.eu/eli/reg/2024/1689/oj';
export const CLARIFY_METRICS_URI =
  'https://docs.aws.amazon.com/sagemaker/latest/dg/clarify-measure-post-training-bias.html';

export function ruleHelpUri(violation: Violation): string {
  const cited = /https?:\/\/[^\s)]+/.exec(violation.reference)?.[0];
  if (cited) return cited;
  const family = violation.family ?? violation.rule.split('.')[0];
  return family === 'bias' ? CLARIFY_METRICS_URI : AI_ACT_URI;
}
