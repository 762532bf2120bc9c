import { describe, expect, it } from 'vitest';
import {
  conditionalDemographicDisparity,
  jsDivergence,
  klDivergence,
  pretrainingMetrics,
} from '../../../../functions/gates/data/pretraining-metrics.ts';

// Facet a: 6 positive, 4 negative (q_a = 0.6); facet d: 2 positive, 3 negative (q_d = 0.4).
const total = { aPositive: 6, aNegative: 4, dPositive: 2, dNegative: 3 };
// The same rows split by a group attribute.
const groups = [
  { aPositive: 4, aNegative: 1, dPositive: 1, dNegative: 2 },
  { aPositive: 2, aNegative: 3, dPositive: 1, dNegative: 1 },
];

describe('pre-training bias metrics, hand-computed', () => {
  const m = pretrainingMetrics(total, groups);

  it('CI = (n_a - n_d) / (n_a + n_d) = 5/15', () => expect(m.CI).toBeCloseTo(1 / 3, 12));
  it('DPL = q_a - q_d = 0.2', () => expect(m.DPL).toBeCloseTo(0.2, 12));
  it('KL = 0.6 ln(0.6/0.4) + 0.4 ln(0.4/0.6) = 0.2 ln 1.5', () =>
    expect(m.KL).toBeCloseTo(0.2 * Math.log(1.5), 12));
  it('JS = KL(P_a || M) with M = (0.5, 0.5), the same on both sides', () =>
    expect(m.JS).toBeCloseTo(0.6 * Math.log(1.2) + 0.4 * Math.log(0.8), 12));
  it('LP = sqrt(0.2^2 + 0.2^2)', () => expect(m.LP).toBeCloseTo(Math.SQRT2 * 0.2, 12));
  it('TVD = (0.2 + 0.2) / 2 and KS = max(0.2, 0.2)', () => {
    expect(m.TVD).toBeCloseTo(0.2, 12);
    expect(m.KS).toBeCloseTo(0.2, 12);
  });
  it('CDDL = (8 (2/3 - 1/5) + 7 (1/4 - 1/3)) / 15 = 0.21', () => expect(m.CDDL).toBeCloseTo(0.21, 12));

  it('leaves CDDL out without groups', () => {
    expect(pretrainingMetrics(total)).not.toHaveProperty('CDDL');
  });

  it('is null where a metric is not defined: an empty facet, an infinite divergence', () => {
    expect(pretrainingMetrics({ aPositive: 3, aNegative: 1, dPositive: 0, dNegative: 0 })).toEqual({
      CI: 1,
      DPL: null,
      KL: null,
      JS: null,
      LP: null,
      TVD: null,
      KS: null,
    });
    const skewed = pretrainingMetrics({ aPositive: 1, aNegative: 1, dPositive: 0, dNegative: 2 });
    expect(skewed.KL).toBeNull();
    // M = (0.25, 0.75): JS = (0.5 ln 2 + 0.5 ln(2/3) + ln(4/3)) / 2.
    expect(skewed.JS).toBeCloseTo((0.5 * Math.log(2) + 0.5 * Math.log(2 / 3) + Math.log(4 / 3)) / 2, 12);
    expect(conditionalDemographicDisparity([])).toBeNull();
  });

  it('identical distributions are 0 apart', () => {
    expect(klDivergence([0.5, 0.5], [0.5, 0.5])).toBe(0);
    expect(jsDivergence([1, 0], [1, 0])).toBe(0);
  });
});
