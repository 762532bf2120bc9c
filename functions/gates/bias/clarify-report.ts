/**
 * SageMaker Clarify bias reports (`analysis.json`) normalised into the bias evidence the policies read:
 * one metrics map per facet value, pre- and post-training metrics merged.
 *
 * Clarify writes an infinite metric as the string "Infinity" / "-Infinity" and a metric it could not
 * compute as `"value": null` with an `"error"`; both are kept (the error under `errors`). Clarify's
 * difference in conditional acceptance is named `DCA` in reports and `DCAcc` in its documentation and
 * here; the evidence uses `DCAcc`.
 */
import { z } from 'zod';
import { describeIssues, InvalidInputError, parseOrThrow } from '../../shared/validation.ts';

const metricValueSchema = z.union([z.number(), z.literal('Infinity'), z.literal('-Infinity'), z.null()]);
const metricSchema = z.looseObject({
  name: z.string().min(1),
  value: metricValueSchema,
  error: z.string().optional(),
});
const facetValueSchema = z.looseObject({
  value_or_threshold: z.union([z.string(), z.number(), z.boolean()]),
  metrics: z.array(metricSchema),
});
const facetValuesSchema = z.array(facetValueSchema);
/**
 * Facet names are input: they are checked one by one (parseFacets) and never assigned as keys of an
 * object with a prototype, so a facet named `__proto__` is a facet like any other.
 */
const facetsSchema = z.custom<Record<string, unknown>>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  { message: 'expected an object of facets' },
);
const biasSectionSchema = z.looseObject({
  label: z.string().optional(),
  label_value_or_threshold: z.unknown().optional(),
  facets: facetsSchema,
});
const clarifyReportSchema = z
  .looseObject({
    version: z.string().optional(),
    pre_training_bias_metrics: biasSectionSchema.optional(),
    post_training_bias_metrics: biasSectionSchema.optional(),
  })
  .refine((r) => r.pre_training_bias_metrics || r.post_training_bias_metrics, {
    message: 'a Clarify report has pre_training_bias_metrics or post_training_bias_metrics',
  });

export type ClarifyMetricValue = z.infer<typeof metricValueSchema>;

export interface BiasEvidenceEntry {
  value: string;
  metrics: Record<string, ClarifyMetricValue>;
  /** Why Clarify could not compute a metric, by metric name (only when it said so). */
  errors?: Record<string, string>;
}

export interface BiasEvidence {
  source: string;
  label?: string;
  facets: Record<string, BiasEvidenceEntry[]>;
}

/** Report metric names that differ from the names the evidence and the policies use. */
const METRIC_NAMES: ReadonlyMap<string, string> = new Map([['DCA', 'DCAcc']]);

export function parseClarifyReport(bytes: Uint8Array, source: string): BiasEvidence {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new InvalidInputError('evidence.invalid', [`${source}: not JSON (${(error as Error).message})`]);
  }
  const parsed = clarifyReportSchema.safeParse(json);
  if (!parsed.success)
    throw new InvalidInputError('evidence.invalid', describeIssues(parsed.error.issues, source));

  const facets = new Map<string, BiasEvidenceEntry[]>();
  const sections = [
    ['pre_training_bias_metrics', parsed.data.pre_training_bias_metrics],
    ['post_training_bias_metrics', parsed.data.post_training_bias_metrics],
  ] as const;
  for (const [sectionName, section] of sections) {
    for (const [facet, values] of parseFacets(section?.facets ?? {}, `${source}.${sectionName}.facets`)) {
      const groups = facets.get(facet) ?? [];
      facets.set(facet, groups);
      for (const entry of values) {
        const value = String(entry.value_or_threshold);
        let group = groups.find((g) => g.value === value);
        if (!group) {
          group = { value, metrics: Object.create(null) };
          groups.push(group);
        }
        for (const metric of entry.metrics) {
          const name = METRIC_NAMES.get(metric.name) ?? metric.name;
          group.metrics[name] = metric.value;
          if (metric.error !== undefined) {
            group.errors ??= Object.create(null) as Record<string, string>;
            group.errors[name] = metric.error;
          }
        }
      }
    }
  }
  const label = parsed.data.post_training_bias_metrics?.label ?? parsed.data.pre_training_bias_metrics?.label;
  return { source, ...(label ? { label } : {}), facets: nullPrototype(facets) };
}

function parseFacets(
  facets: Record<string, unknown>,
  path: string,
): [string, z.infer<typeof facetValuesSchema>][] {
  return Object.entries(facets).map(([facet, values]) => [
    facet,
    parseOrThrow(facetValuesSchema, values, 'evidence.invalid', `${path}.${facet}`),
  ]);
}

/** An object without a prototype: any key, `__proto__` included, is an own property. */
export function nullPrototype<V>(entries: Iterable<readonly [string, V]>): Record<string, V> {
  const out = Object.create(null) as Record<string, V>;
  for (const [key, value] of entries) out[key] = value;
  return out;
}
