/**
 * Facets with more than two values: each sensitive value is compared pairwise with the reference (one
 * value, or every other value as SageMaker Clarify does), and the Fairlearn worst-case metrics and the
 * four-fifths rule are also evaluated between all the facet's values at once (`overall`).
 */

import { GroupSelectionError } from './errors.ts';
import {
  compare,
  type Exact,
  finite,
  type MetricValue,
  quotient,
  rational,
  sub,
  toMetricValue,
  undefinedBecause,
} from './exact.ts';
import {
  addCounts,
  type ConfusionCounts,
  EMPTY_COUNTS,
  groupRates,
  type PairMetrics,
  pairMetrics,
  total,
} from './metrics.ts';

export interface GroupSelection {
  /** The sensitive values; default: every value but the reference. */
  sensitive?: readonly string[] | undefined;
  /** The reference value; default: for each sensitive value, every other value. */
  reference?: string | undefined;
}

/** Worst case over every facet value (Fairlearn's "between groups"), and the four-fifths rule proper. */
export interface OverallMetrics {
  selectionRate: Record<string, MetricValue>;
  demographicParityDifference: MetricValue;
  demographicParityRatio: MetricValue;
  equalOpportunityDifference: MetricValue;
  equalizedOddsDifference: MetricValue;
  /** Each value's selection rate over the highest one; adverse impact below 4/5 (integers). */
  fourFifths: {
    highest: string[];
    groups: Record<string, { ratio: MetricValue; adverseImpact: boolean }>;
  };
  notes?: string[];
}

export interface MultiGroupMetrics {
  /** The reference value, or null: each sensitive value against every other value. */
  reference: string | null;
  groups: Record<string, PairMetrics>;
  overall: OverallMetrics;
}

export function compareGroups(
  byValue: ReadonlyMap<string, ConfusionCounts>,
  selection: GroupSelection = {},
): MultiGroupMetrics {
  const values = [...byValue.keys()];
  const { reference } = selection;
  const known = (v: string, role: string) => {
    if (!byValue.has(v))
      throw new GroupSelectionError(
        `${role} value ${JSON.stringify(v)} does not occur (values: ${values.map((x) => JSON.stringify(x)).join(', ')})`,
      );
  };
  if (reference !== undefined) known(reference, 'reference');
  const sensitive = selection.sensitive ?? values.filter((v) => v !== reference);
  for (const v of sensitive) {
    known(v, 'sensitive');
    if (v === reference)
      throw new GroupSelectionError(`${JSON.stringify(v)} is both sensitive and reference`);
  }
  if (sensitive.length === 0)
    throw new GroupSelectionError('no sensitive value to compare: the facet has only the reference value');

  // Facet values are input: they never become keys of an object with a prototype.
  const groups: Record<string, PairMetrics> = Object.create(null);
  for (const v of sensitive) {
    const d = byValue.get(v) ?? EMPTY_COUNTS;
    const a =
      reference !== undefined
        ? (byValue.get(reference) ?? EMPTY_COUNTS)
        : values
            .filter((x) => x !== v)
            .reduce((sum, x) => addCounts(sum, byValue.get(x) ?? EMPTY_COUNTS), EMPTY_COUNTS);
    if (total(a) === 0n)
      throw new GroupSelectionError(`no reference rows to compare ${JSON.stringify(v)} with`);
    groups[v] = pairMetrics(a, d);
  }
  return { reference: reference ?? null, groups, overall: overallMetrics(byValue) };
}

/** max − min of a rate over the groups; undefined when a group's rate is. */
function spread(rates: [string, Exact][], what: string): Exact {
  const missing = rates.find(([, r]) => r.kind === 'undefined');
  if (missing) return missing[1];
  if (rates.length === 0) return undefinedBecause(`${what}: no groups`);
  let lo = rates[0]?.[1] as Exact;
  let hi = lo;
  for (const [, r] of rates) {
    if (compare(r, lo) < 0) lo = r;
    if (compare(r, hi) > 0) hi = r;
  }
  return sub(hi, lo, what);
}

function overallMetrics(byValue: ReadonlyMap<string, ConfusionCounts>): OverallMetrics {
  const entries = [...byValue.entries()];
  const conventions: string[] = [];
  const rates = entries.map(([v, c]) => [v, groupRates(c, JSON.stringify(v), conventions)] as const);
  const selection = rates.map(([v, r]) => [v, r.selectionRate] as [string, Exact]);
  const tpr = rates.map(([v, r]) => [v, r.recall] as [string, Exact]);
  const fpr = rates.map(([v, r]) => [v, r.falsePositiveRate] as [string, Exact]);

  const dpd = spread(selection, 'max − min selection rate');
  const eopd = spread(tpr, 'max − min TPR');
  const fprSpread = spread(fpr, 'max − min FPR');
  const eodd =
    eopd.kind === 'undefined'
      ? eopd
      : fprSpread.kind === 'undefined'
        ? fprSpread
        : compare(eopd, fprSpread) >= 0
          ? eopd
          : fprSpread;

  // Selection rates as integers, for the ratio and the four-fifths rule.
  const counted = entries.filter(([, c]) => total(c) > 0n);
  const p = (c: ConfusionCounts) => c.TP + c.FP;
  let best = counted[0];
  for (const e of counted) if (best && p(e[1]) * total(best[1]) > p(best[1]) * total(e[1])) best = e;
  const highest = best
    ? counted.filter(([, c]) => p(c) * total(best[1]) === p(best[1]) * total(c)).map(([v]) => v)
    : [];
  let dpr: Exact;
  if (dpd.kind === 'undefined') dpr = dpd;
  else if (!best || p(best[1]) === 0n)
    dpr = undefinedBecause('min/max selection rate is 0/0 (no group has a predicted positive)');
  else {
    let worst = counted[0] as (typeof counted)[number];
    for (const e of counted) if (p(e[1]) * total(worst[1]) < p(worst[1]) * total(e[1])) worst = e;
    dpr = finite(rational(p(worst[1]) * total(best[1]), total(worst[1]) * p(best[1])));
  }
  const fourFifths: OverallMetrics['fourFifths'] = { highest, groups: Object.create(null) };
  for (const [v, c] of counted) {
    const [hv, hc] = best as [string, ConfusionCounts];
    const ratio =
      p(hc) === 0n
        ? undefinedBecause('no group has a predicted positive')
        : v === hv
          ? finite(rational(1n, 1n))
          : quotient(p(c) * total(hc), total(c) * p(hc), 'ratio');
    fourFifths.groups[v] = {
      ratio: toMetricValue(ratio),
      adverseImpact: 5n * p(c) * total(hc) < 4n * p(hc) * total(c),
    };
  }

  const notes: string[] = [...conventions];
  const value = (name: string, e: Exact): MetricValue => {
    if (e.kind === 'undefined') notes.push(`${name} is null: ${e.reason}`);
    return toMetricValue(e);
  };
  const out: OverallMetrics = {
    selectionRate: Object.assign(
      Object.create(null),
      Object.fromEntries(selection.map(([v, r]) => [v, value(`selectionRate.${v}`, r)])),
    ),
    demographicParityDifference: value('demographicParityDifference', dpd),
    demographicParityRatio: value('demographicParityRatio', dpr),
    equalOpportunityDifference: value('equalOpportunityDifference', eopd),
    equalizedOddsDifference: value('equalizedOddsDifference', eodd),
    fourFifths,
  };
  if (best && p(best[1]) === 0n)
    notes.push(
      'fourFifths ratios are null: no group has a predicted positive (0/0); none is adversely impacted',
    );
  if (notes.length) out.notes = notes;
  return out;
}
