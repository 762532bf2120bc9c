/**
 * `--counts FILE`: confusion counts of a reference and a sensitive group, turned into the Clarify report
 * (post-training metrics) the gate reads as bias evidence, with the metrics `verdict bias --counts` prints.
 */
import { z } from 'zod';
import { PAIR_METRICS, pairMetrics } from '../../gates/bias/metrics.ts';
import { parseOrThrow } from '../../shared/validation.ts';

const count = z.union([
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  z.string().regex(/^\d+$/),
]);
const confusionSchema = z.strictObject({ TP: count, FP: count, FN: count, TN: count });
export const countsFileSchema = z.strictObject({
  /** Named in the report as the facet and its sensitive value; default `group` / `sensitive`. */
  facet: z.string().min(1).optional(),
  value: z.string().min(1).optional(),
  reference: confusionSchema,
  sensitive: confusionSchema,
});

/** Only the metrics SageMaker Clarify reports (and the policies read) go into the report. */
const CLARIFY_METRICS = PAIR_METRICS.filter((name) => /^[A-Z]/.test(name));

export function clarifyReportFromCounts(json: unknown, path: string): Uint8Array {
  const counts = parseOrThrow(countsFileSchema, json, 'counts.invalid', path);
  const big = (c: z.infer<typeof confusionSchema>) => ({
    TP: BigInt(c.TP),
    FP: BigInt(c.FP),
    FN: BigInt(c.FN),
    TN: BigInt(c.TN),
  });
  const metrics = pairMetrics(big(counts.reference), big(counts.sensitive));
  const report = {
    version: '1.0',
    post_training_bias_metrics: {
      facets: {
        [counts.facet ?? 'group']: [
          {
            value_or_threshold: counts.value ?? 'sensitive',
            metrics: CLARIFY_METRICS.map((name) => ({ name, description: name, value: metrics[name] })),
          },
        ],
      },
    },
  };
  return new TextEncoder().encode(JSON.stringify(report));
}
