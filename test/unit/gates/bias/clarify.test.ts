/** Clarify reports: parsing (infinities, errors, metric names) and the metrics in the CLI's output shape. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clarifyMetrics, clarifyPairMetrics } from '../../../../functions/gates/bias/clarify-metrics.ts';
import { parseClarifyReport } from '../../../../functions/gates/bias/clarify-report.ts';
import { InvalidInputError } from '../../../../functions/shared/validation.ts';

const SAMPLES = new URL('../../../../functions/local/demo/samples/', import.meta.url);
const bytes = (json: unknown) => new TextEncoder().encode(JSON.stringify(json));
const report = (metrics: unknown[]) => ({
  version: '1.0',
  post_training_bias_metrics: {
    label: 'hired',
    facets: { gender: [{ value_or_threshold: 'female', metrics }] },
  },
});

describe('parseClarifyReport', () => {
  it('keeps "Infinity", the reason of a metric Clarify could not compute, and names DCA DCAcc', () => {
    const evidence = parseClarifyReport(
      bytes(
        report([
          { name: 'DI', description: 'Disparate Impact (DI)', value: 'Infinity' },
          { name: 'TE', description: 'Treatment Equality (TE)', value: '-Infinity' },
          { name: 'DCA', description: 'Difference in Conditional Acceptance (DCA)', value: -0.2 },
          { name: 'RD', description: 'Recall Difference (RD)', value: null, error: 'Facet set is empty' },
        ]),
      ),
      's3://b/analysis.json',
    );
    expect(evidence).toEqual({
      source: 's3://b/analysis.json',
      label: 'hired',
      facets: {
        gender: [
          {
            value: 'female',
            metrics: { DI: 'Infinity', TE: '-Infinity', DCAcc: -0.2, RD: null },
            errors: { RD: 'Facet set is empty' },
          },
        ],
      },
    });
  });

  it('rejects values that are neither numbers, infinities nor null', () => {
    expect(() => parseClarifyReport(bytes(report([{ name: 'DI', value: 'inf' }])), 'r.json')).toThrow(
      InvalidInputError,
    );
  });
});

describe('clarifyPairMetrics', () => {
  it("the cv-ranker sample in the CLI's shape", () => {
    const evidence = parseClarifyReport(readFileSync(new URL('cv-ranker.analysis.json', SAMPLES)), 'cv');
    expect(clarifyMetrics(evidence)).toEqual({
      gender: {
        female: {
          selectionRate: { reference: null, sensitive: null },
          DPPL: 0.19,
          DI: 0.62,
          DCAcc: null,
          DCR: null,
          RD: 0.15,
          DAR: null,
          DRR: null,
          AD: 0.02,
          TE: null,
          demographicParityDifference: 0.19,
          demographicParityRatio: 0.62,
          equalOpportunityDifference: 0.15,
          equalizedOddsDifference: null,
          fourFifths: { ratio: 0.62, adverseImpact: true, disadvantaged: 'sensitive' },
          notes: [
            'selectionRate is null: a Clarify report has no selection rates (no counts)',
            'DCAcc is null: the report has no DCAcc',
            'DCR is null: the report has no DCR',
            'DAR is null: the report has no DAR',
            'DRR is null: the report has no DRR',
            'TE is null: the report has no TE',
            'equalizedOddsDifference is null: it is derived from RD and SD; the report has no SD',
            "fourFifths is decided on the report's DI (rounded by Clarify), not on integer counts",
          ],
        },
      },
    });
  });

  it('derives the Fairlearn metrics of two groups from DPPL, DI, RD and SD', () => {
    const m = clarifyPairMetrics({
      value: 'f',
      metrics: { DPPL: -0.1, DI: 1.25, RD: -0.05, SD: 0.08, DCAcc: 'Infinity' },
    });
    expect(m.demographicParityDifference).toBe(0.1);
    expect(m.demographicParityRatio).toBe(0.8);
    expect(m.equalOpportunityDifference).toBe(0.05);
    expect(m.equalizedOddsDifference).toBe(0.08);
    expect(m.DCAcc).toBe('Infinity');
    // DI 1.25: the reference group's rate is 4/5 of the sensitive group's, exactly at the bound.
    expect(m.fourFifths).toEqual({ ratio: 0.8, adverseImpact: false, disadvantaged: 'reference' });
  });

  it('an infinite DI: nobody in the reference group is selected', () => {
    const m = clarifyPairMetrics({ value: 'f', metrics: { DI: 'Infinity' } });
    expect(m.demographicParityRatio).toBe(0);
    expect(m.fourFifths).toEqual({ ratio: 0, adverseImpact: true, disadvantaged: 'reference' });
  });

  it("a metric Clarify could not compute is null with Clarify's reason", () => {
    const m = clarifyPairMetrics({ value: 'f', metrics: { DI: null }, errors: { DI: 'Facet set is empty' } });
    expect(m.DI).toBeNull();
    expect(m.fourFifths).toEqual({ ratio: null, adverseImpact: null, disadvantaged: null });
    expect(m.notes).toContain("DI is null: the report's DI is null (Clarify: Facet set is empty)");
  });
});
