/**
 * Bias metrics on hand-computed confusion matrices: every expected value is worked out from the
 * definitions in docs/metrics.md (facet a = reference, d = sensitive), as a fraction.
 */
import { describe, expect, it } from 'vitest';
import { rational, toNumber } from '../../../../functions/gates/bias/exact.ts';
import { counts, exactPairMetrics, pairMetrics } from '../../../../functions/gates/bias/metrics.ts';

describe('pairMetrics on a hand-computed matrix', () => {
  // a: TP 40, FP 10, FN 10, TN 40 (n 100);  d: TP 20, FP 5, FN 20, TN 55 (n 100)
  const a = counts({ TP: 40, FP: 10, FN: 10, TN: 40 });
  const d = counts({ TP: 20, FP: 5, FN: 20, TN: 55 });

  it('gives every metric exactly', () => {
    expect(pairMetrics(a, d)).toEqual({
      selectionRate: { reference: 0.5, sensitive: 0.25 }, // 50/100, 25/100
      DPPL: 0.25, // 1/2 − 1/4
      DI: 0.5, // (1/4)/(1/2)
      DCAcc: -0.6, // c_a = 50/50 = 1, c_d = 40/25 = 8/5: 1 − 8/5 = −3/5
      DCR: -0.2, // r_d = 60/75 = 4/5, r_a = 50/50 = 1: 4/5 − 1 = −1/5
      RD: 0.3, // 40/50 − 20/40 = 4/5 − 1/2 = 3/10
      DAR: 0, // 40/50 − 20/25 = 0
      DRR: -1 / 15, // 55/75 − 40/50 = 11/15 − 12/15
      AD: 0.05, // 80/100 − 75/100 = 1/20
      TE: 3, // FN_d/FP_d − FN_a/FP_a = 20/5 − 10/10
      demographicParityDifference: 0.25,
      demographicParityRatio: 0.5,
      equalOpportunityDifference: 0.3,
      equalizedOddsDifference: 0.3, // ΔTPR 3/10 > ΔFPR |10/50 − 5/60| = 7/60
      fourFifths: { ratio: 0.5, adverseImpact: true, disadvantaged: 'sensitive' }, // 5·25·100 < 4·50·100
    });
  });

  it('swapping the groups negates the differences and inverts DI', () => {
    const m = pairMetrics(d, a);
    expect([m.DPPL, m.DI, m.DCAcc, m.DCR, m.RD, m.DAR, m.DRR, m.AD, m.TE]).toEqual([
      -0.25,
      2,
      0.6,
      0.2,
      -0.3,
      0,
      1 / 15,
      -0.05,
      -3,
    ]);
    // 29 CFR 1607.4(D) compares with the highest rate, whichever group has it: the reference is lower.
    expect(m.fourFifths).toEqual({ ratio: 0.5, adverseImpact: true, disadvantaged: 'reference' });
    expect(m.demographicParityRatio).toBe(0.5);
  });

  it('prints thirds as the nearest double', () => {
    // a: q′ = 3/9 = 1/3; d: q′ = 2/9
    const m = pairMetrics(counts({ TP: 2, FP: 1, FN: 2, TN: 4 }), counts({ TP: 1, FP: 1, FN: 3, TN: 4 }));
    expect(m.selectionRate).toEqual({ reference: 1 / 3, sensitive: 2 / 9 });
    expect(m.DPPL).toBe(1 / 9);
    expect(m.DI).toBe(2 / 3);
    expect(m.fourFifths).toEqual({ ratio: 2 / 3, adverseImpact: true, disadvantaged: 'sensitive' });
  });
});

describe('infinite and undefined metrics', () => {
  it('DI is "Infinity" when the reference selects nobody and the sensitive group somebody', () => {
    // a: TP 0, FP 0, FN 5, TN 5;  d: TP 3, FP 0, FN 0, TN 7
    const m = pairMetrics(counts({ TP: 0, FP: 0, FN: 5, TN: 5 }), counts({ TP: 3, FP: 0, FN: 0, TN: 7 }));
    expect(m).toEqual({
      selectionRate: { reference: 0, sensitive: 0.3 },
      DPPL: -0.3,
      DI: 'Infinity',
      DCAcc: 'Infinity', // c_a = 5/0, c_d = 3/3
      DCR: 0.5, // r_d = 7/7, r_a = 5/10
      RD: -1, // 0/5 − 3/3
      DAR: -1, // precision_a = 0/0, taken as 0, − 3/3
      DRR: 0.5, // 7/7 − 5/10
      AD: -0.5, // 5/10 − 10/10
      TE: '-Infinity', // FN_d/FP_d = 0/0 taken as 0, − FN_a/FP_a = 5/0
      demographicParityDifference: 0.3,
      demographicParityRatio: 0,
      equalOpportunityDifference: 1,
      equalizedOddsDifference: 1,
      fourFifths: { ratio: 0, adverseImpact: true, disadvantaged: 'reference' },
      notes: [
        'precision = TP/(TP+FP) of the reference group is 0/0 (no predicted positives): taken as 0, as SageMaker Clarify does',
        'FN/FP of the sensitive group is 0/0 (no false negatives and no false positives): taken as 0, as SageMaker Clarify does',
      ],
    });
  });

  it('a negative infinity: TE when only the reference group has no false positive', () => {
    // a: FN 2, FP 0 -> FN_a/FP_a = ∞, so TE = FN_d/FP_d − ∞ = −∞
    const m = pairMetrics(counts({ TP: 3, FP: 0, FN: 2, TN: 5 }), counts({ TP: 3, FP: 1, FN: 1, TN: 5 }));
    expect(m.TE).toBe('-Infinity');
    expect(m.notes).toBeUndefined();
  });

  it('DI is 1 when neither group selects anybody; the ratios are then 0/0', () => {
    const m = pairMetrics(counts({ TP: 0, FP: 0, FN: 4, TN: 6 }), counts({ TP: 0, FP: 0, FN: 1, TN: 9 }));
    expect(m.DI).toBe(1);
    expect(m.DPPL).toBe(0);
    expect(m.demographicParityRatio).toBeNull();
    expect(m.fourFifths).toEqual({ ratio: null, adverseImpact: false, disadvantaged: null });
    // c = n(1)/0 is infinite in both groups: ∞ − ∞ is undefined.
    expect(m.DCAcc).toBeNull();
    expect(m.DAR).toBe(0); // both precisions 0/0, taken as 0
    expect(m.notes).toEqual([
      'precision = TP/(TP+FP) of the reference group is 0/0 (no predicted positives): taken as 0, as SageMaker Clarify does',
      'precision = TP/(TP+FP) of the sensitive group is 0/0 (no predicted positives): taken as 0, as SageMaker Clarify does',
      'DCAcc is null: c_a − c_d: both terms are infinite (∞ − ∞)',
      'TE is null: FN_d/FP_d − FN_a/FP_a: both terms are infinite (∞ − ∞)',
      'demographicParityRatio is null: min/max selection rate is 0/0 (neither group has a predicted positive)',
      'fourFifths.ratio is null: neither group has a predicted positive, so the ratio is 0/0',
    ]);
  });

  it('a group without observed positives has TPR 0/0, taken as 0 as Clarify does, and noted', () => {
    const m = pairMetrics(counts({ TP: 5, FP: 5, FN: 5, TN: 5 }), counts({ TP: 0, FP: 2, FN: 0, TN: 8 }));
    expect(m.RD).toBe(0.5); // TPR_a = 5/10, TPR_d = 0/0 taken as 0
    expect(m.equalOpportunityDifference).toBe(0.5);
    expect(m.equalizedOddsDifference).toBe(0.5);
    expect(m.notes).toEqual([
      'TPR = TP/(TP+FN) of the sensitive group is 0/0 (no observed positives): taken as 0, as SageMaker Clarify does',
    ]);
    // c_d = 0/2 = 0 and r_d = 10/8 are defined.
    expect(m.DCAcc).toBe(1);
    expect(m.DCR).toBe(0.25);
  });

  it('an empty group has no selection rate and no four-fifths decision', () => {
    const m = pairMetrics(counts({ TP: 5, FP: 5, FN: 5, TN: 5 }), counts({ TP: 0, FP: 0, FN: 0, TN: 0 }));
    expect(m.selectionRate).toEqual({ reference: 0.5, sensitive: null });
    expect(m.DI).toBeNull();
    expect(m.fourFifths).toEqual({ ratio: null, adverseImpact: null, disadvantaged: null });
    expect(m.notes).toContain('fourFifths.adverseImpact is null: a group has no rows');
  });
});

describe('the four-fifths rule, decided in integers', () => {
  it('works in both directions: a reference group selected less is adversely impacted too', () => {
    // reference 30 of 100 selected, sensitive 50 of 100: 0.3/0.5 = 0.6 < 0.8 against the reference.
    const m = pairMetrics(counts({ TP: 30, FP: 0, FN: 0, TN: 70 }), counts({ TP: 50, FP: 0, FN: 0, TN: 50 }));
    expect(m.fourFifths).toEqual({ ratio: 0.6, adverseImpact: true, disadvantaged: 'reference' });
  });

  it('exactly 4/5 is not adverse impact; one selection fewer is', () => {
    // a: 50 of 100 selected; d: 40 of 100 -> 4/5 exactly
    const a = counts({ TP: 50, FP: 0, FN: 0, TN: 50 });
    expect(pairMetrics(a, counts({ TP: 40, FP: 0, FN: 0, TN: 60 })).fourFifths).toEqual({
      ratio: 0.8,
      adverseImpact: false,
      disadvantaged: 'sensitive',
    });
    expect(pairMetrics(a, counts({ TP: 39, FP: 0, FN: 0, TN: 61 })).fourFifths).toEqual({
      ratio: 0.78,
      adverseImpact: true,
      disadvantaged: 'sensitive',
    });
  });

  it('decides below the resolution of a double', () => {
    // q′_a = 1/2, q′_d = 4/10 − 1/10^19: the ratio prints as 0.8 but is below it.
    const n = 10n ** 19n;
    const a = { TP: n, FP: 0n, FN: 0n, TN: n };
    const d = { TP: 4n * n - 10n, FP: 0n, FN: 0n, TN: 6n * n + 10n };
    const m = pairMetrics(a, d);
    expect(m.DI).toBe(0.8);
    expect(m.fourFifths).toEqual({ ratio: 0.8, adverseImpact: true, disadvantaged: 'sensitive' });
    const exact = exactPairMetrics(a, d).DI;
    expect(exact).toEqual({ kind: 'finite', value: rational(4n * n - 10n, 5n * n) });
  });

  it('counts beyond 2^53 stay exact', () => {
    const big = 2n ** 60n;
    const m = pairMetrics(
      { TP: big, FP: big, FN: big, TN: big + 1n },
      { TP: big + 1n, FP: big, FN: big, TN: big },
    );
    // q′_a = 2^61/(2^62+1), q′_d = (2^61+1)/(2^62+1): DPPL = −1/(2^62+1), a difference no double
    // subtraction of the two rates could resolve (both round to 0.5).
    expect(m.selectionRate).toEqual({ reference: 0.5, sensitive: 0.5 });
    expect(
      exactPairMetrics(
        { TP: big, FP: big, FN: big, TN: big + 1n },
        { TP: big + 1n, FP: big, FN: big, TN: big },
      ).DPPL,
    ).toEqual({
      kind: 'finite',
      value: rational(-1n, 4n * big + 1n),
    });
    expect(m.DPPL).toBe(toNumber(rational(-1n, 4n * big + 1n)));
    expect(m.DPPL).toBe(-(2 ** -62));
    expect(m.fourFifths.adverseImpact).toBe(false);
  });
});
