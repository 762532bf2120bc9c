/**
 * SageMaker Clarify's pre-training bias metrics for a binary label, from counts (see docs/datasets.md):
 * facet a is the reference group, facet d the sensitive one; q is a facet's proportion of positive labels.
 *
 *   CI  = (n_a − n_d) / (n_a + n_d)                  class imbalance
 *   DPL = q_a − q_d                                   difference in proportions of labels
 *   KL  = Σ_y P_a(y) ln(P_a(y) / P_d(y))              Kullback-Leibler divergence
 *   JS  = ½ [KL(P_a ‖ P) + KL(P_d ‖ P)], P = ½ (P_a + P_d)   Jensen-Shannon divergence
 *   LP  = √(Σ_y (P_a(y) − P_d(y))²)                   Lp norm, p = 2
 *   TVD = ½ Σ_y |P_a(y) − P_d(y)|                     total variation distance
 *   KS  = max_y |P_a(y) − P_d(y)|                     Kolmogorov-Smirnov distance
 *   CDDL = (1/n) Σ_i n_i DD_i, DD_i = n_d(0)_i / n(0)_i − n_d(1)_i / n(1)_i   conditional demographic
 *         disparity in labels over the groups i of the group attribute (a share over an empty count is 0)
 *
 * A metric is null when it is not defined: a facet with no rows (every metric but CI), or KL when a label
 * value occurs in facet a and never in facet d (infinite). The policy treats null as beyond any threshold.
 */

/** Labels counted in each facet. */
export interface FacetLabelCounts {
  aPositive: number;
  aNegative: number;
  dPositive: number;
  dNegative: number;
}

export const PRETRAINING_METRICS = ['CI', 'DPL', 'KL', 'JS', 'LP', 'TVD', 'KS', 'CDDL'] as const;
export type PretrainingMetric = (typeof PRETRAINING_METRICS)[number];

/** A metric's value, or null when it is not defined on these counts; CDDL is absent without groups. */
export type PretrainingMetrics = Partial<Record<PretrainingMetric, number | null>>;

/** The metrics of the whole data set; with `groups` (counts per group attribute value) CDDL too. */
export function pretrainingMetrics(
  total: FacetLabelCounts,
  groups?: Iterable<FacetLabelCounts>,
): PretrainingMetrics {
  const na = total.aPositive + total.aNegative;
  const nd = total.dPositive + total.dNegative;
  const metrics: PretrainingMetrics = { CI: na + nd === 0 ? null : (na - nd) / (na + nd) };
  const both = na > 0 && nd > 0;
  const pa = both ? [total.aPositive / na, total.aNegative / na] : undefined;
  const pd = both ? [total.dPositive / nd, total.dNegative / nd] : undefined;
  metrics.DPL = pa && pd ? (pa[0] as number) - (pd[0] as number) : null;
  metrics.KL = pa && pd ? klDivergence(pa, pd) : null;
  metrics.JS = pa && pd ? jsDivergence(pa, pd) : null;
  metrics.LP = pa && pd ? Math.sqrt(sum(pa.map((p, y) => (p - (pd[y] as number)) ** 2))) : null;
  metrics.TVD = pa && pd ? sum(pa.map((p, y) => Math.abs(p - (pd[y] as number)))) / 2 : null;
  metrics.KS = pa && pd ? Math.max(...pa.map((p, y) => Math.abs(p - (pd[y] as number)))) : null;
  if (groups !== undefined) metrics.CDDL = conditionalDemographicDisparity(groups);
  return metrics;
}

/** KL(p ‖ q) in nats; null when infinite (p(y) > 0 where q(y) = 0). Terms with p(y) = 0 are 0. */
export function klDivergence(p: readonly number[], q: readonly number[]): number | null {
  let total = 0;
  for (const [y, py] of p.entries()) {
    if (py === 0) continue;
    const qy = q[y] as number;
    if (qy === 0) return null;
    total += py * Math.log(py / qy);
  }
  return total;
}

export function jsDivergence(p: readonly number[], q: readonly number[]): number {
  const m = p.map((py, y) => (py + (q[y] as number)) / 2);
  // Each side is finite: m(y) > 0 wherever p(y) or q(y) is.
  return ((klDivergence(p, m) as number) + (klDivergence(q, m) as number)) / 2;
}

/** CDDL over the groups; null when there are no rows. */
export function conditionalDemographicDisparity(groups: Iterable<FacetLabelCounts>): number | null {
  let n = 0;
  let weighted = 0;
  for (const g of groups) {
    const size = g.aPositive + g.aNegative + g.dPositive + g.dNegative;
    const rejected = g.aNegative + g.dNegative;
    const accepted = g.aPositive + g.dPositive;
    const disparity = share(g.dNegative, rejected) - share(g.dPositive, accepted);
    n += size;
    weighted += size * disparity;
  }
  return n === 0 ? null : weighted / n;
}

const share = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);
const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
