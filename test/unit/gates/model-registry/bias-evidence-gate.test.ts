/**
 * Partial or misspelt bias evidence never approves a high-risk model: each metric the risk class
 * requires must be in the Clarify report for each facet value, names are matched exactly, and facet
 * names never become keys of an object with a prototype (a `__proto__` facet is checked like any other).
 */
import { describe, expect, it } from 'vitest';
import { modelPackageStateChangeEventSchema } from '../../../../functions/contracts/model-package-state-change.ts';
import { gateModelPackage } from '../../../../functions/gates/model-registry/model-registry-gate.ts';
import { gateFixture, sample } from '../../../support/gate-fixture.ts';

const HIGH_RISK_PROFILE = sample('cv-ranker.profile.json');

type Metric = { name: string; value: number | null };
const FAIR: Metric[] = [
  { name: 'DI', value: 0.95 },
  { name: 'DPPL', value: 0.02 },
  { name: 'RD', value: 0.03 },
  { name: 'AD', value: 0.01 },
];

/** A Clarify analysis.json; the facets are written as JSON text so that `__proto__` stays a key. */
function report(facets: [string, [string, Metric[]][]][]): string {
  const facetText = facets
    .map(
      ([facet, values]) =>
        `${JSON.stringify(facet)}: ${JSON.stringify(values.map(([value, metrics]) => ({ value_or_threshold: value, metrics })))}`,
    )
    .join(', ');
  return `{"version": "1.0", "post_training_bias_metrics": {"label": "hired", "facets": {${facetText}}}}`;
}

async function decide(analysis: string) {
  const f = gateFixture();
  const pkg = await f.register('cv', { profile: HIGH_RISK_PROFILE, report: analysis });
  const event = modelPackageStateChangeEventSchema.parse(
    f.registry.toStateChangeEvent(pkg, { id: 'evt-cv' }),
  );
  const outcome = await gateModelPackage(event, f.deps);
  if (outcome.status !== 'decided') throw new Error(`expected a decision, got ${outcome.status}`);
  return outcome;
}

const rules = (outcome: Awaited<ReturnType<typeof decide>>) =>
  outcome.decision.violations.map((v) => [v.rule, v.reference]);

describe('bias evidence of a high-risk model', () => {
  it('approves a complete, fair report', async () => {
    const outcome = await decide(report([['gender', [['female', FAIR]]]]));
    expect(outcome.decision.violations).toEqual([]);
    expect(outcome.approvalStatus).toBe('Approved');
  });

  it('denies a report that holds only AD, naming each missing metric and the facet value', async () => {
    const outcome = await decide(report([['gender', [['female', [{ name: 'AD', value: 0.01 }]]]]]));
    expect(outcome.approvalStatus).toBe('Rejected');
    expect(rules(outcome)).toEqual([
      ['bias.metric_missing', 'Art. 10(2)(f) (DPPL)'],
      ['bias.metric_missing', 'Art. 10(2)(f) (DI)'],
      ['bias.metric_missing', 'Art. 10(2)(f) (RD)'],
    ]);
    expect(outcome.decision.violations[1]?.message).toBe(
      'disparate impact (DI) for facet gender, value female is missing from the bias evidence; a high-risk system must show it for every facet value.',
    );
  });

  it('denies DI, DPPL and RD spelt in lower case and reports the unknown names', async () => {
    const lower = FAIR.map((m) => (m.name === 'AD' ? m : { ...m, name: m.name.toLowerCase() }));
    const outcome = await decide(report([['gender', [['female', lower]]]]));
    expect(outcome.approvalStatus).toBe('Rejected');
    expect(rules(outcome)).toEqual([
      ['bias.metric_missing', 'Art. 10(2)(f) (DPPL)'],
      ['bias.metric_missing', 'Art. 10(2)(f) (DI)'],
      ['bias.metric_missing', 'Art. 10(2)(f) (RD)'],
      ['bias.metric_unknown', 'Art. 10(2)(f)'],
      ['bias.metric_unknown', 'Art. 10(2)(f)'],
      ['bias.metric_unknown', 'Art. 10(2)(f)'],
    ]);
  });

  it('denies a violating facet named __proto__ next to a good one', async () => {
    const biased = FAIR.map((m) => (m.name === 'DI' ? { ...m, value: 0.5 } : m));
    const outcome = await decide(
      report([
        ['__proto__', [['x', biased]]],
        ['gender', [['female', FAIR]]],
      ]),
    );
    expect(outcome.approvalStatus).toBe('Rejected');
    expect(rules(outcome)).toEqual([['bias.disparate_impact', 'DI < 0.8']]);
    expect(outcome.decision.violations[0]?.message).toContain('facet __proto__, value x');
  });

  it('denies a facet value that lacks a required metric while another value has them all', async () => {
    const outcome = await decide(
      report([
        [
          'gender',
          [
            ['female', FAIR],
            ['male', FAIR.filter((m) => m.name !== 'RD')],
          ],
        ],
      ]),
    );
    expect(outcome.approvalStatus).toBe('Rejected');
    expect(rules(outcome)).toEqual([['bias.metric_missing', 'Art. 10(2)(f) (RD)']]);
    expect(outcome.decision.violations[0]?.message).toContain('facet gender, value male');
  });
});
