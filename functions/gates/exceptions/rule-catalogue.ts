/**
 * Which rules an exception may name: every rule the policies can report (each `rule` in the policy bundle's
 * data, where every policy takes its rule ids from) and the gate's own fail-closed rules, minus those the
 * bundle's `verdict.config.exceptions.nonWaivable` prefixes mark as never waived. The gate's policy reads
 * the same prefixes, so what `exception grant` refuses and what the gate refuses to apply cannot drift.
 */
import { closestMatch } from '../../shared/closest-match.ts';

/** The rules the gate reports itself when it cannot decide (fail-closed.ts); no policy emits them. */
export const GATE_RULES = [
  'gate.approval_unverified',
  'gate.bundle_untrusted',
  'gate.inputs_unavailable',
  'gate.policy_error',
  'gate.policy_unavailable',
  'gate.risk_class_unknown',
] as const;

export class RuleCatalogue {
  private constructor(
    /** Every rule id, sorted. */
    readonly rules: readonly string[],
    /** Rule id prefix -> why rules starting with it are never waived. */
    readonly nonWaivable: Readonly<Record<string, string>>,
  ) {}

  /** The catalogue of a policy bundle's data document (`data.json` of the bundle). */
  static fromPolicyData(data: unknown): RuleCatalogue {
    const config = (data as { verdict?: { config?: Record<string, unknown> } } | null)?.verdict?.config;
    if (!config) throw new Error('the policy data has no verdict.config: is this a Verdict policy bundle?');
    const rules = new Set<string>(GATE_RULES);
    collectRules(config, rules);
    const nonWaivable = (config.exceptions as { nonWaivable?: Record<string, string> } | undefined)
      ?.nonWaivable;
    if (!nonWaivable || typeof nonWaivable !== 'object') {
      throw new Error('the policy data has no verdict.config.exceptions.nonWaivable');
    }
    return new RuleCatalogue([...rules].sort(), { ...nonWaivable });
  }

  has(rule: string): boolean {
    return this.rules.includes(rule);
  }

  /** Why `rule` can never be waived (each matching prefix's reason), or undefined when it can be. */
  refusal(rule: string): string | undefined {
    const reasons = Object.entries(this.nonWaivable)
      .filter(([prefix]) => rule.startsWith(prefix))
      .map(([, reason]) => reason)
      .sort();
    return reasons.length ? reasons.join('; ') : undefined;
  }

  /** The rules an exception can name. */
  waivable(): string[] {
    return this.rules.filter((rule) => this.refusal(rule) === undefined);
  }

  /** The known rule closest to a mistyped one. */
  closestTo(rule: string): string | undefined {
    return closestMatch(rule, this.rules);
  }
}

/** Every string value of a `rule` key, at any depth. */
function collectRules(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectRules(item, into);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'rule' && typeof child === 'string') into.add(child);
    else collectRules(child, into);
  }
}
