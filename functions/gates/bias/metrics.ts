/**
 * Post-training bias metrics of a binary classifier for one pair of groups, from their confusion counts,
 * with the definitions of `docs/metrics.md`: facet *a* is the reference group,
 * facet *d* the sensitive group.
 *
 * Every metric is computed exactly (see exact.ts) and printed as the nearest double. A metric that is
 * infinite prints as "Infinity" / "-Infinity"; one that is undefined (0/0, or ∞ − ∞) prints as null, and
 * the result then carries `notes` saying which metric and why. The four-fifths decision is an integer
 * comparison of cross-multiplied counts, never a floating-point one.
 */
import {
  absolute,
  compare,
  type Exact,
  finite,
  infinite,
  type MetricValue,
  max,
  ONE,
  quotient,
  rational,
  sub,
  toMetricValue,
  undefinedBecause,
  ZERO,
} from './exact.ts';

/** Confusion counts of one group: true/false positives/negatives of the predicted label. */
export interface ConfusionCounts {
  readonly TP: bigint;
  readonly FP: bigint;
  readonly FN: bigint;
  readonly TN: bigint;
}

export const EMPTY_COUNTS: ConfusionCounts = { TP: 0n, FP: 0n, FN: 0n, TN: 0n };

export function counts(c: {
  TP: number | bigint;
  FP: number | bigint;
  FN: number | bigint;
  TN: number | bigint;
}): ConfusionCounts {
  return { TP: BigInt(c.TP), FP: BigInt(c.FP), FN: BigInt(c.FN), TN: BigInt(c.TN) };
}

export function addCounts(a: ConfusionCounts, b: ConfusionCounts): ConfusionCounts {
  return { TP: a.TP + b.TP, FP: a.FP + b.FP, FN: a.FN + b.FN, TN: a.TN + b.TN };
}

export const total = (c: ConfusionCounts): bigint => c.TP + c.FP + c.FN + c.TN;

/** The metrics of one comparison, in output order (the order of the CLI's JSON). */
export const PAIR_METRICS = [
  'DPPL',
  'DI',
  'DCAcc',
  'DCR',
  'RD',
  'DAR',
  'DRR',
  'AD',
  'TE',
  'demographicParityDifference',
  'demographicParityRatio',
  'equalOpportunityDifference',
  'equalizedOddsDifference',
] as const;
export type PairMetricName = (typeof PAIR_METRICS)[number];

export interface ExactPairMetrics extends Record<PairMetricName, Exact> {
  selectionRate: { reference: Exact; sensitive: Exact };
  fourFifths: { ratio: Exact; adverseImpact: boolean | null; disadvantaged: Disadvantaged };
  /** Rates that were 0/0 and taken as 0 (see groupRates). */
  conventions: string[];
}

/** Which group of a pair has the lower selection rate (null: equal rates, or undefined). */
export type Disadvantaged = 'reference' | 'sensitive' | null;

/** The output of one comparison: the CLI prints exactly this object. */
export type PairMetrics = {
  selectionRate: { reference: MetricValue; sensitive: MetricValue };
} & Record<PairMetricName, MetricValue> & {
    fourFifths: { ratio: MetricValue; adverseImpact: boolean | null; disadvantaged: Disadvantaged };
    notes?: string[];
  };

/** The per-group rates the metrics are differences of, each exact. */
export interface GroupRates {
  /** q′ = n′(1)/n */
  selectionRate: Exact;
  /** c = n(1)/n′(1) */
  conditionalAcceptance: Exact;
  /** r = n(0)/n′(0) */
  conditionalRejection: Exact;
  /** TP/(TP+FN) */
  recall: Exact;
  /** FP/(FP+TN) */
  falsePositiveRate: Exact;
  /** TP/(TP+FP) */
  precision: Exact;
  /** TN/(TN+FN) */
  negativePredictiveValue: Exact;
  /** (TP+TN)/n */
  accuracy: Exact;
  /** FN/FP */
  falseNegativeToFalsePositive: Exact;
}

/**
 * The rates of one group. A rate over a group that has rows but no cases of its kind (no observed positives
 * for TPR, say) is 0/0; SageMaker Clarify takes it as 0, and so does this, saying so in `conventions`, so
 * that the same data gives the same metrics from Clarify's report and from the rows. A group with no rows
 * has no rates at all (its selection rate and accuracy are undefined).
 */
export function groupRates(c: ConfusionCounts, group: string, conventions: string[] = []): GroupRates {
  const n = total(c);
  const q = (num: bigint, den: bigint, what: string, why: string) => {
    if (n > 0n && num === 0n && den === 0n) {
      conventions.push(
        `${what} of the ${group} group is 0/0 (${why}): taken as 0, as SageMaker Clarify does`,
      );
      return ZERO;
    }
    return quotient(num, den, `${what} of the ${group} group`, why);
  };
  return {
    selectionRate: q(c.TP + c.FP, n, 'the selection rate (TP+FP)/n', 'the group has no rows'),
    conditionalAcceptance: q(
      c.TP + c.FN,
      c.TP + c.FP,
      'c = n(1)/n′(1) = (TP+FN)/(TP+FP)',
      'no observed and no predicted positives',
    ),
    conditionalRejection: q(
      c.FP + c.TN,
      c.FN + c.TN,
      'r = n(0)/n′(0) = (FP+TN)/(FN+TN)',
      'no observed and no predicted negatives',
    ),
    recall: q(c.TP, c.TP + c.FN, 'TPR = TP/(TP+FN)', 'no observed positives'),
    falsePositiveRate: q(c.FP, c.FP + c.TN, 'FPR = FP/(FP+TN)', 'no observed negatives'),
    precision: q(c.TP, c.TP + c.FP, 'precision = TP/(TP+FP)', 'no predicted positives'),
    negativePredictiveValue: q(c.TN, c.TN + c.FN, 'NPV = TN/(TN+FN)', 'no predicted negatives'),
    accuracy: q(c.TP + c.TN, n, 'accuracy (TP+TN)/n', 'the group has no rows'),
    falseNegativeToFalsePositive: q(c.FN, c.FP, 'FN/FP', 'no false negatives and no false positives'),
  };
}

/**
 * DI = q′_d / q′_a, exactly (n′_d(1)·n_a) / (n_d·n′_a(1)): infinite when q′_a = 0 < q′_d, 1 when both
 * are 0.
 */
function disparateImpact(a: ConfusionCounts, d: ConfusionCounts, ra: GroupRates, rd: GroupRates): Exact {
  if (ra.selectionRate.kind === 'undefined') return ra.selectionRate;
  if (rd.selectionRate.kind === 'undefined') return rd.selectionRate;
  const pa = a.TP + a.FP;
  const pd = d.TP + d.FP;
  if (pa === 0n) return pd === 0n ? ONE : infinite(1);
  return finite(rational(pd * total(a), total(d) * pa));
}

/**
 * The lower selection rate over the higher one (29 CFR 1607.4(D) compares every group with the group of
 * the highest rate), whichever group is lower; adverse impact when it is less than 4/5, decided as
 * 5·lower < 4·higher on cross-multiplied integer counts. Exactly 4/5 is not adverse impact. The result
 * names the disadvantaged group (null when the rates are equal or undefined).
 */
function fourFifths(a: ConfusionCounts, d: ConfusionCounts): ExactPairMetrics['fourFifths'] {
  const na = total(a);
  const nd = total(d);
  if (na === 0n || nd === 0n) {
    const empty = na === 0n ? 'reference' : 'sensitive';
    return {
      ratio: undefinedBecause(`the ${empty} group has no rows, so it has no selection rate`),
      adverseImpact: null,
      disadvantaged: null,
    };
  }
  // q′_d = pd/nd, q′_a = pa/na, compared as pd·na vs pa·nd.
  const sensitiveRate = (d.TP + d.FP) * na;
  const referenceRate = (a.TP + a.FP) * nd;
  const [lower, higher] =
    sensitiveRate <= referenceRate ? [sensitiveRate, referenceRate] : [referenceRate, sensitiveRate];
  const disadvantaged =
    sensitiveRate < referenceRate ? 'sensitive' : sensitiveRate > referenceRate ? 'reference' : null;
  const adverseImpact = 5n * lower < 4n * higher;
  if (higher === 0n)
    return {
      ratio: undefinedBecause('neither group has a predicted positive, so the ratio is 0/0'),
      adverseImpact,
      disadvantaged,
    };
  return { ratio: lower === higher ? ONE : finite(rational(lower, higher)), adverseImpact, disadvantaged };
}

/** min/max of two non-negative rates; 0/0 when both are 0. */
function minOverMax(x: Exact, y: Exact, what: string): Exact {
  if (x.kind === 'undefined') return x;
  if (y.kind === 'undefined') return y;
  const [lo, hi] = compare(x, y) <= 0 ? [x, y] : [y, x];
  if (lo.kind !== 'finite' || hi.kind !== 'finite') throw new RangeError('rates are finite');
  if (hi.value.num === 0n) return undefinedBecause(`${what} is 0/0 (neither group has a predicted positive)`);
  return finite(rational(lo.value.num * hi.value.den, lo.value.den * hi.value.num));
}

export function exactPairMetrics(reference: ConfusionCounts, sensitive: ConfusionCounts): ExactPairMetrics {
  const conventions: string[] = [];
  const a = groupRates(reference, 'reference', conventions);
  const d = groupRates(sensitive, 'sensitive', conventions);
  const tprGap = absolute(sub(a.recall, d.recall, 'TPR_a − TPR_d'));
  const fprGap = absolute(sub(a.falsePositiveRate, d.falsePositiveRate, 'FPR_a − FPR_d'));
  return {
    selectionRate: { reference: a.selectionRate, sensitive: d.selectionRate },
    DPPL: sub(a.selectionRate, d.selectionRate, 'q′_a − q′_d'),
    DI: disparateImpact(reference, sensitive, a, d),
    DCAcc: sub(a.conditionalAcceptance, d.conditionalAcceptance, 'c_a − c_d'),
    DCR: sub(d.conditionalRejection, a.conditionalRejection, 'r_d − r_a'),
    RD: sub(a.recall, d.recall, 'TPR_a − TPR_d'),
    DAR: sub(a.precision, d.precision, 'precision_a − precision_d'),
    DRR: sub(d.negativePredictiveValue, a.negativePredictiveValue, 'NPV_d − NPV_a'),
    AD: sub(a.accuracy, d.accuracy, 'accuracy_a − accuracy_d'),
    TE: sub(d.falseNegativeToFalsePositive, a.falseNegativeToFalsePositive, 'FN_d/FP_d − FN_a/FP_a'),
    demographicParityDifference: absolute(sub(a.selectionRate, d.selectionRate, 'max − min selection rate')),
    demographicParityRatio: minOverMax(a.selectionRate, d.selectionRate, 'min/max selection rate'),
    equalOpportunityDifference: tprGap,
    equalizedOddsDifference: max(tprGap, fprGap),
    fourFifths: fourFifths(reference, sensitive),
    conventions,
  };
}

/** Prints exact metrics: numbers, "Infinity" / "-Infinity", null with a note. */
function renderPairMetrics(m: ExactPairMetrics): PairMetrics {
  const notes: string[] = [...m.conventions];
  const value = (name: string, e: Exact): MetricValue => {
    if (e.kind === 'undefined') notes.push(`${name} is null: ${e.reason}`);
    return toMetricValue(e);
  };
  const out = {
    selectionRate: {
      reference: value('selectionRate.reference', m.selectionRate.reference),
      sensitive: value('selectionRate.sensitive', m.selectionRate.sensitive),
    },
  } as PairMetrics;
  for (const name of PAIR_METRICS) out[name] = value(name, m[name]);
  out.fourFifths = {
    ratio: value('fourFifths.ratio', m.fourFifths.ratio),
    adverseImpact: m.fourFifths.adverseImpact,
    disadvantaged: m.fourFifths.disadvantaged,
  };
  if (m.fourFifths.adverseImpact === null)
    notes.push('fourFifths.adverseImpact is null: a group has no rows');
  if (notes.length) out.notes = notes;
  return out;
}

export function pairMetrics(reference: ConfusionCounts, sensitive: ConfusionCounts): PairMetrics {
  return renderPairMetrics(exactPairMetrics(reference, sensitive));
}
