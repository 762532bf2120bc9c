import { describe, expect, it } from 'vitest';
import {
  type Decision,
  decidesOutcome,
  decisionSchema,
  policyResultSchema,
  type Violation,
} from '../../../functions/contracts/decision.ts';
import { modelPackageStateChangeEventSchema } from '../../../functions/contracts/model-package-state-change.ts';
import { verdictDecisionEventSchema } from '../../../functions/contracts/verdict-decision-event.ts';
import { gateModelPackage } from '../../../functions/gates/model-registry/model-registry-gate.ts';
import { gateFixture, sample } from '../../support/gate-fixture.ts';

/** A decision and the event announcing it, as the model-registry gate makes them for a sample model. */
async function gated(name: string) {
  const f = gateFixture();
  const pkg = await f.register(name, {
    profile: sample(`${name}.profile.json`),
    report: sample(`${name}.analysis.json`),
  });
  const event = modelPackageStateChangeEventSchema.parse(
    f.registry.toStateChangeEvent(pkg, { id: `evt-${name}` }),
  );
  const outcome = await gateModelPackage(event, f.deps);
  if (outcome.status !== 'decided') throw new Error(`expected a decision, got ${outcome.status}`);
  return { decision: outcome.decision, published: f.published };
}

describe('the decision contract', () => {
  it.each(['credit-scorer', 'cv-ranker', 'citizen-trust-score'])(
    'accepts the decision the gate makes for %s, unchanged',
    async (name) => {
      const { decision } = await gated(name);
      expect(decisionSchema.parse(JSON.parse(JSON.stringify(decision)))).toEqual(decision);
    },
  );

  it('rejects a decision with a risk class outside the EU AI Act tiers', async () => {
    const { decision } = await gated('credit-scorer');
    const result = decisionSchema.safeParse({ ...decision, riskClass: 'moderate' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['riskClass']);
  });

  it('rejects a decision about a subject that is not a model package', async () => {
    const { decision } = await gated('credit-scorer');
    const result = decisionSchema.safeParse({
      ...decision,
      subject: { ...decision.subject, kind: 'endpoint' },
    });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['subject.kind']);
  });

  it('reads a policy result without obligations as one with none', () => {
    expect(policyResultSchema.parse({ decision: 'allow', violations: [] })).toEqual({
      decision: 'allow',
      violations: [],
      obligations: [],
    });
  });

  it('lets only enforced, unwaived violations decide the outcome', () => {
    const violation: Violation = {
      rule: 'bias.disparate_impact',
      severity: 'high',
      message: 'm',
      reference: 'r',
      remediation: 'x',
    };
    const waiver = { id: 'ex-1', approver: 'a', reason: 'r', expiresAt: '2027-01-01T00:00:00Z' };
    expect(decidesOutcome(violation)).toBe(true);
    expect(decidesOutcome({ ...violation, mode: 'enforce' })).toBe(true);
    expect(decidesOutcome({ ...violation, mode: 'warn' })).toBe(false);
    expect(decidesOutcome({ ...violation, mode: 'dry-run' })).toBe(false);
    expect(decidesOutcome({ ...violation, waiver })).toBe(false);
  });
});

describe('the Verdict Decision event', () => {
  it('is what the gate publishes, once EventBridge has added its envelope', async () => {
    const { decision, published } = await gated('cv-ranker');
    expect(published).toHaveLength(1);
    const [event] = published as [(typeof published)[number]];
    const parsed = verdictDecisionEventSchema.parse({
      version: '0',
      id: 'b1c2d3e4-0000-4000-8000-000000000000',
      'detail-type': event.detailType,
      source: event.source,
      account: '123456789012',
      time: '2026-11-28T12:00:00Z',
      region: 'eu-west-1',
      resources: event.resources,
      detail: JSON.parse(JSON.stringify(event.detail)) as Decision,
    });
    expect(parsed.detail).toEqual(decision);
    expect(parsed.resources).toEqual([decision.subject.id]);
  });
});
