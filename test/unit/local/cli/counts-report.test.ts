import { describe, expect, it } from 'vitest';
import { parseClarifyReport } from '../../../../functions/gates/bias/clarify-report.ts';
import { pairMetrics } from '../../../../functions/gates/bias/metrics.ts';
import { clarifyReportFromCounts } from '../../../../functions/local/cli/counts-report.ts';
import { InvalidInputError } from '../../../../functions/shared/validation.ts';

const REFERENCE = { TP: 50, FP: 10, FN: 20, TN: 20 };
const SENSITIVE = { TP: 42, FP: 7, FN: 26, TN: 25 };
const big = (c: typeof REFERENCE) => ({
  TP: BigInt(c.TP),
  FP: BigInt(c.FP),
  FN: BigInt(c.FN),
  TN: BigInt(c.TN),
});

describe('confusion counts as a Clarify report', () => {
  it('carries the Clarify metrics `verdict bias --counts` computes, under the facet and value given', () => {
    const bytes = clarifyReportFromCounts(
      { facet: 'sex', value: 'female', reference: REFERENCE, sensitive: SENSITIVE },
      'counts.json',
    );
    const evidence = parseClarifyReport(bytes, 's3://b/counts.json');
    const expected = pairMetrics(big(REFERENCE), big(SENSITIVE));
    const [entry] = evidence.facets.sex ?? [];
    expect(entry?.value).toBe('female');
    expect({ ...entry?.metrics }).toEqual({
      DPPL: expected.DPPL,
      DI: expected.DI,
      DCAcc: expected.DCAcc,
      DCR: expected.DCR,
      RD: expected.RD,
      DAR: expected.DAR,
      DRR: expected.DRR,
      AD: expected.AD,
      TE: expected.TE,
    });
  });

  it('names the facet `group` and the value `sensitive` when the file does not', () => {
    const bytes = clarifyReportFromCounts({ reference: REFERENCE, sensitive: SENSITIVE }, 'counts.json');
    expect(parseClarifyReport(bytes, 'x').facets.group?.[0]?.value).toBe('sensitive');
  });

  it('refuses what are not counts, saying where', () => {
    const bad = { reference: { ...REFERENCE, TP: -1 }, sensitive: { ...SENSITIVE, XX: 1 } };
    expect(() => clarifyReportFromCounts(bad, 'counts.json')).toThrow(InvalidInputError);
    try {
      clarifyReportFromCounts(bad, 'counts.json');
    } catch (error) {
      expect((error as InvalidInputError).code).toBe('counts.invalid');
      expect((error as InvalidInputError).problems.join('\n')).toMatch(/counts\.json\.reference\.TP/);
      expect((error as InvalidInputError).problems.join('\n')).toMatch(/XX/);
    }
  });
});
