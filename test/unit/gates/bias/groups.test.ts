/** Facets with more than two values: pairwise comparisons against the reference, and the worst case overall. */
import { describe, expect, it } from 'vitest';
import { GroupSelectionError } from '../../../../functions/gates/bias/errors.ts';
import { compareGroups } from '../../../../functions/gates/bias/groups.ts';
import { addCounts, counts, pairMetrics } from '../../../../functions/gates/bias/metrics.ts';

// w: selects 50 of 100, b: 36 of 90 (2/5), a: 30 of 50 (3/5)
const w = counts({ TP: 40, FP: 10, FN: 10, TN: 40 });
const b = counts({ TP: 30, FP: 6, FN: 20, TN: 34 });
const a = counts({ TP: 25, FP: 5, FN: 5, TN: 15 });
const byValue = new Map([
  ['w', w],
  ['b', b],
  ['a', a],
]);

describe('compareGroups', () => {
  it('compares every other value with the named reference, pairwise', () => {
    const result = compareGroups(byValue, { reference: 'w' });
    expect(result.reference).toBe('w');
    expect(Object.keys(result.groups)).toEqual(['b', 'a']);
    expect(result.groups.b).toEqual(pairMetrics(w, b));
    expect(result.groups.a).toEqual(pairMetrics(w, a));
    expect(result.groups.b?.DI).toBe(0.8); // (36/90)/(50/100)
    expect(result.groups.b?.fourFifths).toEqual({
      ratio: 0.8,
      adverseImpact: false,
      disadvantaged: 'sensitive',
    });
  });

  it('without a reference, compares each value with every other value (as Clarify does)', () => {
    const result = compareGroups(byValue, { sensitive: ['b'] });
    expect(result.reference).toBeNull();
    expect(result.groups).toEqual({ b: pairMetrics(addCounts(w, a), b) });
  });

  it('overall: Fairlearn worst case and the four-fifths rule against the highest rate', () => {
    const { overall } = compareGroups(byValue, { reference: 'w' });
    expect(overall).toEqual({
      selectionRate: { w: 0.5, b: 0.4, a: 0.6 },
      demographicParityDifference: 0.2, // exactly 3/5 − 2/5 (a double subtraction gives 0.19999999999999996)
      demographicParityRatio: 2 / 3, // (2/5)/(3/5)
      // TPR: w 40/50, b 30/50, a 25/30: 5/6 − 3/5 = 7/30
      equalOpportunityDifference: 7 / 30,
      // FPR: w 10/50, b 6/40, a 5/20: 1/4 − 3/20 = 1/10 < 7/30
      equalizedOddsDifference: 7 / 30,
      fourFifths: {
        highest: ['a'],
        groups: {
          w: { ratio: 5 / 6, adverseImpact: false },
          b: { ratio: 2 / 3, adverseImpact: true },
          a: { ratio: 1, adverseImpact: false },
        },
      },
    });
  });

  it('overall: ties for the highest rate; a 0/0 rate taken as 0, as Clarify does, and noted', () => {
    const none = counts({ TP: 0, FP: 3, FN: 0, TN: 7 }); // no observed positives: TPR 0/0
    const { overall } = compareGroups(
      new Map([
        ['x', counts({ TP: 3, FP: 0, FN: 1, TN: 6 })],
        ['y', none],
      ]),
    );
    expect(overall.fourFifths.highest).toEqual(['x', 'y']);
    expect(overall.equalOpportunityDifference).toBe(0.75); // TPR_x = 3/4, TPR_y = 0/0 taken as 0
    expect(overall.notes).toEqual([
      'TPR = TP/(TP+FN) of the "y" group is 0/0 (no observed positives): taken as 0, as SageMaker Clarify does',
    ]);
  });

  it('rejects values the counts do not have', () => {
    expect(() => compareGroups(byValue, { reference: 'z' })).toThrow(
      new GroupSelectionError('reference value "z" does not occur (values: "w", "b", "a")'),
    );
    expect(() => compareGroups(byValue, { sensitive: ['q'] })).toThrow('sensitive value "q" does not occur');
    expect(() => compareGroups(byValue, { sensitive: ['w'], reference: 'w' })).toThrow(
      '"w" is both sensitive and reference',
    );
    expect(() => compareGroups(new Map([['w', w]]), { reference: 'w' })).toThrow(
      'no sensitive value to compare',
    );
  });
});
