/**
 * A SageMaker Clarify report in the shape of the computed metrics (metrics.ts), so that `verdict bias
 * --clarify` and `verdict bias --data` print comparable results. Clarify compares each facet value with
 * every other value, so each entry is one pairwise comparison.
 *
 * What a report cannot give is null with a note: selection rates (Clarify reports no counts), and the
 * equalized-odds difference unless the report has SD (specificity difference). The Fairlearn metrics of
 * two groups follow from Clarify's: demographicParityDifference = |DPPL|, demographicParityRatio =
 * min(DI, 1/DI), equalOpportunityDifference = |RD|, equalizedOddsDifference = max(|RD|, |SD|). The
 * four-fifths ratio is min(DI, 1/DI) (lower over higher rate, whichever group is lower) and its decision
 * ratio < 0.8, in floating point on the value as the report
 * rounded it (the counts are not in the report).
 */
import { type BiasEvidence, type ClarifyMetricValue, nullPrototype } from './clarify-report.ts';
import type { MetricValue } from './exact.ts';
import type { PairMetricName, PairMetrics } from './metrics.ts';

const CLARIFY_METRICS = ['DPPL', 'DI', 'DCAcc', 'DCR', 'RD', 'DAR', 'DRR', 'AD', 'TE'] as const;

const asNumber = (v: ClarifyMetricValue): number | null =>
  v === 'Infinity' ? Number.POSITIVE_INFINITY : v === '-Infinity' ? Number.NEGATIVE_INFINITY : v;
const asValue = (n: number | null): MetricValue =>
  n === null || Number.isNaN(n)
    ? null
    : n === Number.POSITIVE_INFINITY
      ? 'Infinity'
      : n === Number.NEGATIVE_INFINITY
        ? '-Infinity'
        : n;

export function clarifyPairMetrics(entry: BiasEvidence['facets'][string][number]): PairMetrics {
  const notes: string[] = [];
  const reported = (name: string): number | null => {
    if (!Object.hasOwn(entry.metrics, name)) return null;
    return asNumber(entry.metrics[name] ?? null);
  };
  const why = (name: string): string => {
    if (!Object.hasOwn(entry.metrics, name)) return `the report has no ${name}`;
    const error = entry.errors?.[name];
    return `the report's ${name} is null${error ? ` (Clarify: ${error})` : ''}`;
  };
  const out = {
    selectionRate: { reference: null, sensitive: null },
  } as unknown as PairMetrics;
  notes.push('selectionRate is null: a Clarify report has no selection rates (no counts)');
  for (const name of CLARIFY_METRICS) {
    const v = reported(name);
    if (v === null) notes.push(`${name} is null: ${why(name)}`);
    out[name] = asValue(v);
  }
  const dppl = reported('DPPL');
  const di = reported('DI');
  const rd = reported('RD');
  const sd = reported('SD');
  const derived = (name: PairMetricName, value: number | null, from: string[]) => {
    if (value === null) {
      const missing = from.filter((m) => reported(m) === null);
      notes.push(`${name} is null: it is derived from ${from.join(' and ')}; ${missing.map(why).join('; ')}`);
    }
    out[name] = asValue(value);
  };
  derived('demographicParityDifference', dppl === null ? null : Math.abs(dppl), ['DPPL']);
  derived('demographicParityRatio', di === null ? null : di <= 1 ? di : 1 / di, ['DI']);
  derived('equalOpportunityDifference', rd === null ? null : Math.abs(rd), ['RD']);
  derived(
    'equalizedOddsDifference',
    rd === null || sd === null ? null : Math.max(Math.abs(rd), Math.abs(sd)),
    ['RD', 'SD'],
  );
  // DI = q′_d/q′_a: below 1 the sensitive group is lower, above 1 the reference group is.
  const ratio = di === null ? null : di <= 1 ? di : 1 / di;
  out.fourFifths = {
    ratio: asValue(ratio),
    adverseImpact: ratio === null ? null : ratio < 0.8,
    disadvantaged: di === null || di === 1 ? null : di < 1 ? 'sensitive' : 'reference',
  };
  if (di === null) notes.push(`fourFifths is null: it is derived from DI; ${why('DI')}`);
  else notes.push("fourFifths is decided on the report's DI (rounded by Clarify), not on integer counts");
  out.notes = notes;
  return out;
}

/** Every facet and value of a report: {facet: {value: metrics}}. */
export function clarifyMetrics(evidence: BiasEvidence): Record<string, Record<string, PairMetrics>> {
  return nullPrototype(
    Object.entries(evidence.facets).map(([facet, entries]) => [
      facet,
      nullPrototype(entries.map((e) => [e.value, clarifyPairMetrics(e)] as const)),
    ]),
  );
}
