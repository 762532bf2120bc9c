/**
 * The model-registry entrypoint of the compiled bundle: families and modes on each violation, waivers
 * that lapse at their RFC 3339 expiry (offsets included, computed without time built-ins), Art. 5
 * prohibitions that cannot be waived, and the obligations with their evidence once they apply.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type PolicyResult, policyResultSchema } from '../../../../functions/contracts/decision.ts';
import { cachedPolicyEngine, policyBundlePath } from '../../../../functions/gates/policy/engine-cache.ts';
import { GATE_ENTRYPOINTS } from '../../../../functions/gates/policy/entrypoints.ts';
import type { PolicyEngine } from '../../../../functions/gates/policy/policy-engine.ts';
import { type ProfileChanges, profileWith } from '../../../support/profiles.ts';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await cachedPolicyEngine(policyBundlePath())();
});

const SUBJECT = {
  kind: 'model-package',
  id: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn/2',
  group: 'churn',
  version: '2',
};

function decide(changes: ProfileChanges, extra: Record<string, unknown> = {}): PolicyResult {
  const input = {
    gate: 'model_registry',
    environment: 'prod',
    asOf: '2026-11-28',
    now: '2026-11-28T10:00:00.000Z',
    subject: SUBJECT,
    profile: profileWith(changes),
    evidence: { bias: null, obligations: {}, missing: [] },
    exceptions: [],
    ...extra,
  };
  return policyResultSchema.parse(engine.evaluate(GATE_ENTRYPOINTS.model_registry, input));
}

const unreadable = {
  evidence: { bias: null, obligations: {}, missing: [{ kind: 'bias_report', source: 's3://b/k' }] },
};

const unfair = {
  evidence: {
    bias: { source: 's3://b/analysis.json', facets: { sex: [{ value: 'female', metrics: { DI: 0.7 } }] } },
    obligations: {},
    missing: [],
  },
};

function waiver(rule: string, expiresAt: string) {
  return {
    id: 'ex-1',
    rule,
    subject: 'churn',
    reason: 'The report is being re-generated after a bucket migration.',
    approver: 'head-of-ml@example.com',
    expiresAt,
    grantedAt: '2026-11-20T08:00:00Z',
  };
}

describe('model-registry policy: modes, exceptions, obligations (compiled bundle)', () => {
  it('tags each violation with its family and mode; enforce decides', () => {
    const result = decide({}, unreadable);
    expect(result.decision).toBe('deny');
    expect(result.violations).toEqual([
      expect.objectContaining({ rule: 'evidence.unreadable', family: 'evidence', mode: 'enforce' }),
    ]);
  });

  it('a waiver in force keeps the violation in the report and out of the decision', () => {
    const result = decide(
      {},
      { ...unfair, exceptions: [waiver('bias.disparate_impact', '2026-11-28T11:30:00+01:00')] },
    );
    expect(result.decision).toBe('allow');
    expect(result.violations[0]?.waiver).toEqual({
      id: 'ex-1',
      approver: 'head-of-ml@example.com',
      reason: 'The report is being re-generated after a bucket migration.',
      expiresAt: '2026-11-28T11:30:00+01:00',
    });
  });

  it('a waiver lapses at its expiry, whatever its offset', () => {
    for (const expiresAt of [
      '2026-11-28T10:00:00Z',
      '2026-11-28T10:30:00+02:00',
      '2026-11-28T04:59:59.999-05:00',
    ]) {
      const result = decide({}, { ...unfair, exceptions: [waiver('bias.disparate_impact', expiresAt)] });
      expect(result.decision).toBe('deny');
      expect(result.violations[0]?.waiver).toBeUndefined();
    }
  });

  it('refuses to waive an Art. 5 prohibition', () => {
    const result = decide(
      { art5: { socialScoring: true } },
      { exceptions: [waiver('prohibited.social_scoring', '2026-12-31T00:00:00Z')] },
    );
    expect(result.decision).toBe('deny');
    expect(result.violations).toEqual([
      expect.objectContaining({
        rule: 'prohibited.social_scoring',
        mode: 'enforce',
        waiverRefused: 'ex-1: Art. 5 prohibitions cannot be waived',
      }),
    ]);
  });

  it('refuses to waive unreadable evidence or a missing profile, and never allows an unknown risk class', () => {
    const unreadableWaived = decide(
      {},
      { ...unreadable, exceptions: [waiver('evidence.unreadable', '2026-12-31T00:00:00Z')] },
    );
    expect(unreadableWaived.decision).toBe('deny');
    expect(unreadableWaived.violations[0]).toMatchObject({ rule: 'evidence.unreadable' });
    expect(unreadableWaived.violations[0]?.waiver).toBeUndefined();
    expect(unreadableWaived.violations[0]?.waiverRefused).toContain('ex-1: ');

    const noProfile = policyResultSchema.parse(
      engine.evaluate(GATE_ENTRYPOINTS.model_registry, {
        gate: 'model_registry',
        environment: 'prod',
        asOf: '2026-11-28',
        now: '2026-11-28T10:00:00.000Z',
        subject: SUBJECT,
        profile: null,
        evidence: { bias: null, obligations: {}, missing: [{ kind: 'profile', source: 's3://b/p.json' }] },
        exceptions: [
          waiver('profile.missing', '2026-12-31T00:00:00Z'),
          { ...waiver('evidence.unreadable', '2026-12-31T00:00:00Z'), id: 'ex-2' },
        ],
      }),
    );
    expect(noProfile.riskClass).toBe('unknown');
    expect(noProfile.decision).toBe('deny');
    expect(noProfile.violations.map((v) => [v.rule, v.waiver, Boolean(v.waiverRefused)])).toEqual([
      ['evidence.unreadable', undefined, true],
      ['profile.missing', undefined, true],
    ]);
  });

  it('demands evidence for each high-risk obligation once it applies', () => {
    const before = decide(
      { useCase: 'recruitment', role: 'provider' },
      { evidence: { bias: {}, obligations: {}, missing: [] } },
    );
    expect(before.violations.filter((v) => v.rule === 'euaiact.obligation_evidence_missing')).toEqual([]);
    const after = decide(
      { useCase: 'recruitment', role: 'provider' },
      {
        asOf: '2027-12-02',
        now: '2027-12-02T09:00:00Z',
        evidence: { bias: null, obligations: { risk_management: { source: 's3://e/rm.pdf' } }, missing: [] },
      },
    );
    const missing = after.violations.filter((v) => v.rule === 'euaiact.obligation_evidence_missing');
    expect(missing.map((v) => v.reference)).toEqual([
      'Art. 10',
      'Art. 11',
      'Art. 12',
      'Art. 13',
      'Art. 14',
      'Art. 15',
      'Art. 17',
      'Art. 43',
      'Art. 47',
      'Art. 48',
      'Art. 49(1)',
      'Art. 72',
      'Art. 73',
    ]);
    expect(after.obligations[0]).toEqual({
      id: 'risk_management',
      ref: 'Art. 9',
      title: 'Risk management system',
      holder: 'provider',
      appliesFrom: '2027-12-02',
      applies: true,
      satisfied: true,
      evidence: 's3://e/rm.pdf',
    });
    expect(after.classification).toMatchObject({ riskClass: 'high', annexIII: '4(a)' });
  });
});
