/**
 * Invariants of the bias metrics over random confusion matrices (fast-check): the definitions' algebra
 * holds exactly, not just approximately, because the metrics are exact rationals until printed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compare,
  type Exact,
  finite,
  type MetricValue,
  type Rational,
  rational,
  toNumber,
} from '../../../../functions/gates/bias/exact.ts';
import {
  type ConfusionCounts,
  exactPairMetrics,
  PAIR_METRICS,
  pairMetrics,
  total,
} from '../../../../functions/gates/bias/metrics.ts';

const RUNS = { numRuns: 500 };

/** Counts: mostly small (so zeros and 0/0 cases are common), sometimes far beyond 2^53. */
const count = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt({ min: 0n, max: 20n }) },
  { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: 100_000n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 80n }) },
);
const confusion: fc.Arbitrary<ConfusionCounts> = fc.record({ TP: count, FP: count, FN: count, TN: count });
const group = confusion.filter((c) => total(c) > 0n);

const DIFFERENCES = ['DPPL', 'DCAcc', 'DCR', 'RD', 'DAR', 'DRR', 'AD', 'TE'] as const;
const neg = (v: MetricValue): MetricValue =>
  v === null ? null : v === 'Infinity' ? '-Infinity' : v === '-Infinity' ? 'Infinity' : v === 0 ? 0 : -v;
const value = (e: Exact): Rational => {
  if (e.kind !== 'finite') throw new Error(`expected a finite value, got ${JSON.stringify(e)}`);
  return e.value;
};
const scale = (c: ConfusionCounts, k: bigint): ConfusionCounts => ({
  TP: c.TP * k,
  FP: c.FP * k,
  FN: c.FN * k,
  TN: c.TN * k,
});

describe('bias metric invariants', () => {
  it('DI = selectionRate_d / selectionRate_a, exactly (infinite when only q′_a is 0, 1 when both are)', () => {
    fc.assert(
      fc.property(group, group, (a, d) => {
        const m = exactPairMetrics(a, d);
        const qa = value(m.selectionRate.reference);
        const qd = value(m.selectionRate.sensitive);
        if (qa.num === 0n) {
          expect(m.DI).toEqual(qd.num === 0n ? finite(rational(1n, 1n)) : { kind: 'infinite', sign: 1 });
        } else {
          expect(m.DI).toEqual(finite(rational(qd.num * qa.den, qd.den * qa.num)));
        }
        const printed = pairMetrics(a, d);
        if (typeof printed.DI === 'number' && qa.num !== 0n)
          expect(printed.DI).toBe(toNumber(rational(qd.num * qa.den, qd.den * qa.num)));
      }),
      RUNS,
    );
  });

  it('swapping the groups negates every difference and keeps the Fairlearn metrics', () => {
    fc.assert(
      fc.property(group, group, (a, d) => {
        const ad = pairMetrics(a, d);
        const da = pairMetrics(d, a);
        for (const name of DIFFERENCES) expect(da[name], name).toEqual(neg(ad[name]));
        expect(da.selectionRate).toEqual({
          reference: ad.selectionRate.sensitive,
          sensitive: ad.selectionRate.reference,
        });
        for (const name of [
          'demographicParityDifference',
          'demographicParityRatio',
          'equalOpportunityDifference',
          'equalizedOddsDifference',
        ] as const)
          expect(da[name], name).toEqual(ad[name]);
      }),
      RUNS,
    );
  });

  it('DI of the swapped groups is the reciprocal, exactly', () => {
    fc.assert(
      fc.property(group, group, (a, d) => {
        const x = exactPairMetrics(a, d).DI;
        const y = exactPairMetrics(d, a).DI;
        if (x.kind === 'finite' && x.value.num !== 0n)
          expect(value(y)).toEqual(rational(x.value.den, x.value.num));
        if (x.kind === 'infinite') expect(y).toEqual(finite(rational(0n, 1n)));
      }),
      RUNS,
    );
  });

  it('identical groups: every difference is 0 (or undefined), DI is 1, no adverse impact', () => {
    fc.assert(
      fc.property(group, (c) => {
        const m = pairMetrics(c, c);
        for (const name of PAIR_METRICS) {
          if (name === 'DI' || name === 'demographicParityRatio') continue;
          expect([0, null], name).toContain(m[name]);
        }
        expect(m.DI).toBe(1);
        expect([1, null]).toContain(m.demographicParityRatio);
        expect([1, null]).toContain(m.fourFifths.ratio);
        expect(m.fourFifths.adverseImpact).toBe(false);
      }),
      RUNS,
    );
  });

  it('scaling every count by k changes nothing', () => {
    fc.assert(
      fc.property(group, group, fc.bigInt({ min: 1n, max: 10n ** 12n }), (a, d, k) => {
        expect(pairMetrics(scale(a, k), scale(d, k))).toEqual(pairMetrics(a, d));
      }),
      RUNS,
    );
  });

  it('four-fifths: adverse impact iff 5·lower < 4·higher rate, whichever group is lower, as exact fractions', () => {
    fc.assert(
      fc.property(group, group, (a, d) => {
        const m = exactPairMetrics(a, d);
        const qa = m.selectionRate.reference;
        const qd = m.selectionRate.sensitive;
        const [lower, higher] = compare(qd, qa) <= 0 ? [qd, qa] : [qa, qd];
        const fourFifthsOfHigher = finite(rational(4n * value(higher).num, 5n * value(higher).den));
        expect(m.fourFifths.adverseImpact).toBe(compare(lower, fourFifthsOfHigher) < 0);
        expect(m.fourFifths.disadvantaged).toBe(
          compare(qd, qa) < 0 ? 'sensitive' : compare(qd, qa) > 0 ? 'reference' : null,
        );
        // Swapping the groups keeps the ratio and the decision, and names the same group.
        const swapped = exactPairMetrics(d, a).fourFifths;
        expect(swapped.adverseImpact).toBe(m.fourFifths.adverseImpact);
        expect(swapped.ratio).toEqual(m.fourFifths.ratio);
        // And, away from the boundary, the printed ratio agrees with it.
        const printed = pairMetrics(a, d).fourFifths;
        if (typeof printed.ratio === 'number' && Math.abs(printed.ratio - 0.8) > 1e-9)
          expect(printed.adverseImpact).toBe(printed.ratio < 0.8);
      }),
      RUNS,
    );
  });

  it('four-fifths at the boundary: exactly 4/5 never is adverse impact, anything below always is', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 2n ** 64n }),
        fc.bigInt({ min: 1n, max: 2n ** 64n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (selected, rejected, k) => {
          // a selects s of s+r; d selects 4s of 5(s+r) (4/5 exactly), or one fewer.
          const a = { TP: selected, FP: 0n, FN: 0n, TN: rejected };
          const n = 5n * k * (selected + rejected);
          const pd = 4n * k * selected;
          expect(pairMetrics(a, { TP: pd, FP: 0n, FN: 0n, TN: n - pd }).fourFifths.adverseImpact).toBe(false);
          expect(
            pairMetrics(a, { TP: pd - 1n, FP: 0n, FN: 0n, TN: n - pd + 1n }).fourFifths.adverseImpact,
          ).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('Fairlearn metrics of two groups: |DPPL|, |RD|, min(DI, 1/DI), and equalized odds ≥ equal opportunity', () => {
    fc.assert(
      fc.property(group, group, (a, d) => {
        const m = pairMetrics(a, d);
        const abs = (v: MetricValue) => (typeof v === 'number' ? Math.abs(v) : v);
        expect(m.demographicParityDifference).toEqual(abs(m.DPPL));
        expect(m.equalOpportunityDifference).toEqual(abs(m.RD));
        const e = exactPairMetrics(a, d);
        if (e.DI.kind === 'finite' && e.DI.value.num !== 0n && e.demographicParityRatio.kind === 'finite') {
          const { num, den } = e.DI.value;
          expect(e.demographicParityRatio.value).toEqual(num <= den ? e.DI.value : rational(den, num));
        }
        if (typeof m.equalizedOddsDifference === 'number' && typeof m.equalOpportunityDifference === 'number')
          expect(m.equalizedOddsDifference).toBeGreaterThanOrEqual(m.equalOpportunityDifference);
      }),
      RUNS,
    );
  });

  it('rates lie in [0, 1] and rate differences in [−1, 1]', () => {
    fc.assert(
      fc.property(group, group, (a, d) => {
        const m = pairMetrics(a, d);
        const unit = [
          m.selectionRate.reference,
          m.selectionRate.sensitive,
          m.demographicParityDifference,
          m.demographicParityRatio,
          m.equalOpportunityDifference,
          m.equalizedOddsDifference,
          m.fourFifths.ratio,
        ];
        for (const v of unit) if (v !== null) expect(v as number).toSatisfy((x: number) => x >= 0 && x <= 1);
        for (const v of [m.DPPL, m.RD, m.DAR, m.DRR, m.AD])
          if (v !== null) expect(v as number).toSatisfy((x: number) => x >= -1 && x <= 1);
        // A metric is null exactly when a note says why.
        const nulls = PAIR_METRICS.filter((k) => m[k] === null).length;
        expect(
          (m.notes ?? []).filter((n) => PAIR_METRICS.some((k) => n.startsWith(`${k} is null`))),
        ).toHaveLength(nulls);
      }),
      RUNS,
    );
  });
});

// --- Correct rounding of the printed value -------------------------------------------------------------

const view = new DataView(new ArrayBuffer(8));
/** The exact value of a finite double as a fraction. */
function exactOf(x: number): Rational {
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
  const e = (exponent === 0 ? 1 : exponent) - 1075;
  return e >= 0
    ? rational(sign * mantissa * 2n ** BigInt(e), 1n)
    : rational(sign * mantissa, 2n ** BigInt(-e));
}
function nextAfter(x: number, up: boolean): number {
  view.setFloat64(0, x);
  const bits = view.getBigInt64(0);
  view.setBigInt64(0, x > 0 === up ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}
const distance = (r: Rational, x: number): Rational => {
  const d = exactOf(x);
  const num = r.num * d.den - d.num * r.den;
  return rational(num < 0n ? -num : num, r.den * d.den);
};
const lessOrEqual = (x: Rational, y: Rational) => x.num * y.den <= y.num * x.den;

describe('toNumber', () => {
  it('is the double nearest to the exact fraction', () => {
    const big = fc.bigInt({ min: 1n, max: 2n ** 200n });
    fc.assert(
      fc.property(big, big, fc.boolean(), (num, den, negative) => {
        const r = rational(negative ? -num : num, den);
        const x = toNumber(r);
        expect(Number.isFinite(x)).toBe(true);
        const here = distance(r, x);
        expect(lessOrEqual(here, distance(r, nextAfter(x, true)))).toBe(true);
        expect(lessOrEqual(here, distance(r, nextAfter(x, false)))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('agrees with IEEE division when both parts are exact doubles', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 53), max: 2 ** 53 }),
        fc.integer({ min: 1, max: 2 ** 53 }),
        (n, d) => {
          expect(toNumber(rational(BigInt(n), BigInt(d)))).toBe(n / d === 0 ? 0 : n / d);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
