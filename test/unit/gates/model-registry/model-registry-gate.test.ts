import { describe, expect, it } from 'vitest';
import { modelPackageStateChangeEventSchema } from '../../../../functions/contracts/model-package-state-change.ts';
import type { ModelPackageSnapshot } from '../../../../functions/events/model-package-event.ts';
import {
  type GateOutcome,
  gateModelPackage,
} from '../../../../functions/gates/model-registry/model-registry-gate.ts';
import { PolicyEngine } from '../../../../functions/gates/policy/policy-engine.ts';
import { InvalidInputError } from '../../../../functions/shared/validation.ts';
import { gateFixture, sample, sampleJson, sharedPolicyEngine } from '../../../support/gate-fixture.ts';

type Fixture = ReturnType<typeof gateFixture>;

function eventFor(fixture: Fixture, pkg: ModelPackageSnapshot, id = `evt-${pkg.groupName}-${pkg.version}`) {
  return modelPackageStateChangeEventSchema.parse(fixture.registry.toStateChangeEvent(pkg, { id }));
}

async function gate(fixture: Fixture, pkg: ModelPackageSnapshot, id?: string): Promise<GateOutcome> {
  return gateModelPackage(eventFor(fixture, pkg, id), fixture.deps);
}

function decided(outcome: GateOutcome) {
  if (outcome.status !== 'decided') throw new Error(`expected a decision, got ${outcome.status}`);
  return outcome;
}

const credit = {
  profile: sample('credit-scorer.profile.json'),
  report: sample('credit-scorer.analysis.json'),
};
const cvRanker = { profile: sample('cv-ranker.profile.json'), report: sample('cv-ranker.analysis.json') };

describe('model-registry gate', () => {
  it('approves a compliant model, records the decision and announces it', async () => {
    const f = gateFixture();
    const pkg = await f.register('credit', credit);
    const outcome = decided(await gate(f, pkg));

    expect(outcome.approvalStatus).toBe('Approved');
    expect(outcome.decision).toMatchObject({ decision: 'allow', riskClass: 'high', violations: [] });
    expect(outcome.decision.evaluationMs).toBeGreaterThan(0);
    expect(await f.decisions.get(outcome.decision.id)).toEqual(outcome.decision);
    const after = await f.registry.describeModelPackage(pkg.arn);
    expect(after?.approvalStatus).toBe('Approved');
    expect(after?.approvalDescription).toContain(
      `Verdict allow ${outcome.decision.id}: no deciding violations`,
    );
    expect(f.published).toEqual([
      { source: 'verdict', detailType: 'Verdict Decision', detail: outcome.decision, resources: [pkg.arn] },
    ]);
  });

  it('appends the decision to the audit ledger before the actions it caused', async () => {
    const f = gateFixture();
    const pkg = await f.register('cv', cvRanker);
    const { decision } = decided(await gate(f, pkg));

    const ledger = await f.ledger();
    const entries = await Promise.all([0, 1, 2].map((i) => ledger.get(i)));
    expect(entries.map((e) => e?.id)).toEqual([
      `decision/${decision.id}`,
      `action/sagemaker:UpdateModelPackage/${decision.id}/succeeded`,
      `action/events:PutEvents/${decision.id}/succeeded`,
    ]);
    expect(await ledger.size()).toBe(3);
    expect(entries[1]?.entry).toMatchObject({
      type: 'action',
      action: {
        kind: 'sagemaker:UpdateModelPackage',
        target: pkg.arn,
        outcome: 'succeeded',
        detail: 'Rejected',
      },
    });
  });

  it('rejects a biased model and names the metric, facet and threshold', async () => {
    const f = gateFixture();
    const pkg = await f.register('cv', cvRanker);
    const outcome = decided(await gate(f, pkg));

    expect(outcome.approvalStatus).toBe('Rejected');
    // DI 0.62 (four-fifths rule); the sample's DPPL 0.19 and RD 0.15 exceed their bounds too (high-risk: high).
    expect(outcome.decision.violations).toEqual([
      expect.objectContaining({
        rule: 'bias.difference_in_positive_proportions',
        severity: 'high',
        reference: '|DPPL| > 0.1',
      }),
      expect.objectContaining({ rule: 'bias.disparate_impact', severity: 'high', reference: 'DI < 0.8' }),
      expect.objectContaining({ rule: 'bias.recall_difference', severity: 'high', reference: '|RD| > 0.1' }),
    ]);
    expect(outcome.decision.violations[1]?.message).toContain('gender');
    expect(outcome.decision.violations[1]?.message).toContain('0.62');
    const after = await f.registry.describeModelPackage(pkg.arn);
    expect(after?.approvalDescription).toContain('bias.disparate_impact (DI < 0.8)');
  });

  it('rejects a prohibited practice citing the article', async () => {
    const f = gateFixture();
    const pkg = await f.register('social', {
      profile: sample('citizen-trust-score.profile.json'),
      report: sample('citizen-trust-score.analysis.json'),
    });
    const outcome = decided(await gate(f, pkg));
    expect(outcome.decision.riskClass).toBe('prohibited');
    expect(outcome.decision.violations.map((v) => [v.rule, v.reference])).toEqual([
      ['prohibited.social_scoring', 'Art. 5(1)(c)'],
    ]);
  });

  it('denies a model that names no profile', async () => {
    const f = gateFixture();
    const pkg = await f.register('anonymous', { profile: null, report: credit.report });
    const outcome = decided(await gate(f, pkg));
    expect(outcome.approvalStatus).toBe('Rejected');
    expect(outcome.decision.violations.map((v) => v.rule)).toEqual(['profile.missing']);
  });

  it('denies when a named input cannot be found', async () => {
    const f = gateFixture();
    const pkg = await f.register('lost-report', { profile: credit.profile });
    const outcome = decided(await gate(f, pkg));
    expect(outcome.decision.decision).toBe('deny');
    expect(outcome.decision.violations.map((v) => v.rule)).toContain('evidence.unreadable');
  });

  it('rejects an invalid profile as bad input: nothing recorded, status unchanged', async () => {
    const f = gateFixture();
    const profile = { ...sampleJson('credit-scorer.profile.json'), profiling: 'yes', nickname: 'x' };
    const pkg = await f.register('bad-profile', { profile: JSON.stringify(profile), report: credit.report });

    const error = await gate(f, pkg).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).code).toBe('profile.invalid');
    expect((error as InvalidInputError).problems).toEqual([
      'profile.profiling: Invalid input: expected boolean, received string',
      'profile: Unrecognized key: "nickname"',
    ]);
    expect((await f.decisions.list()).decisions).toEqual([]);
    expect((await f.registry.describeModelPackage(pkg.arn))?.approvalStatus).toBe('PendingManualApproval');
    expect(f.published).toEqual([]);
  });

  it('rejects a pointer with a ".." segment as bad input: nothing read, nothing recorded', async () => {
    const f = gateFixture();
    await f.registry.createModelPackageGroup('dot-dot');
    const pkg = await f.registry.createModelPackage({
      groupName: 'dot-dot',
      customerMetadata: { 'verdict:profile': 's3://governance/x/../credit/profile.json' },
      biasReports: { postTraining: 's3://governance/./analysis.json' },
    });
    const error = await gate(f, pkg).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).problems).toEqual([
      'CustomerMetadataProperties.verdict:profile: "s3://governance/x/../credit/profile.json": expected an s3://bucket/key URI without "." or ".." segments or backslashes',
      'ModelMetrics.Bias.PostTrainingReport.S3Uri: "s3://governance/./analysis.json": expected an s3://bucket/key URI without "." or ".." segments or backslashes',
    ]);
    expect((await f.decisions.list()).decisions).toEqual([]);
    expect((await f.registry.describeModelPackage(pkg.arn))?.approvalStatus).toBe('PendingManualApproval');
  });

  it('decides once for a redelivered event', async () => {
    const f = gateFixture();
    const pkg = await f.register('credit', credit);
    const first = decided(await gate(f, pkg, 'same-id'));
    const second = await gate(f, pkg, 'same-id');

    expect(second).toEqual({ status: 'duplicate', decision: first.decision });
    expect((await f.decisions.list()).decisions).toHaveLength(1);
    expect(await f.registry.statusHistory(pkg.arn)).toHaveLength(2);
    expect(f.published).toHaveLength(1);
  });

  it('finishes the job when a decision was recorded but the status never applied', async () => {
    const f = gateFixture();
    const pkg = await f.register('cv', cvRanker);
    let calls = 0;
    const flaky = {
      describeModelPackage: (arn: string) => f.registry.describeModelPackage(arn),
      setApprovalStatus: async (arn: string, status: 'Approved' | 'Rejected', description: string) => {
        calls += 1;
        if (calls === 1) throw new Error('throttled');
        return f.registry.setApprovalStatus(arn, status, description);
      },
    };
    const event = eventFor(f, pkg);
    await expect(gateModelPackage(event, { ...f.deps, registry: flaky })).rejects.toThrow('throttled');
    const retried = decided(await gateModelPackage(event, { ...f.deps, registry: flaky }));

    expect(retried.approvalStatus).toBe('Rejected');
    expect((await f.decisions.list()).decisions).toHaveLength(1);
    expect((await f.registry.describeModelPackage(pkg.arn))?.approvalStatus).toBe('Rejected');
  });

  it('skips a version that is no longer pending', async () => {
    const f = gateFixture();
    const pkg = await f.register('credit', credit);
    await f.registry.setApprovalStatus(pkg.arn, 'Approved', 'approved by hand');
    const outcome = await gate(f, pkg);
    expect(outcome).toEqual({ status: 'skipped', reason: `${pkg.arn} is already Approved` });
    expect((await f.decisions.list()).decisions).toEqual([]);
  });

  it('refuses an event for a package the registry does not know', async () => {
    const f = gateFixture();
    const pkg = await f.register('credit', credit);
    const event = eventFor(f, pkg);
    event.detail.ModelPackageArn = pkg.arn.replace(/\/1$/, '/9');
    await expect(gateModelPackage(event, f.deps)).rejects.toMatchObject({ code: 'model_package.not_found' });
  });

  describe('fails closed', () => {
    it('denies when the policy bundle cannot be loaded', async () => {
      const f = gateFixture();
      const pkg = await f.register('credit', credit);
      const outcome = decided(
        await gateModelPackage(eventFor(f, pkg), {
          ...f.deps,
          policyEngine: () => Promise.reject(new Error('ENOENT: bundle.tar.gz')),
        }),
      );
      expect(outcome.approvalStatus).toBe('Rejected');
      expect(outcome.decision.violations).toEqual([
        expect.objectContaining({ rule: 'gate.policy_unavailable', severity: 'critical' }),
      ]);
      expect(outcome.decision.violations[0]?.message).toContain('ENOENT: bundle.tar.gz');
      expect(outcome.decision).not.toHaveProperty('evaluationMs');
    });

    it('denies when evaluation throws', async () => {
      const f = gateFixture();
      const pkg = await f.register('credit', credit);
      const real = await sharedPolicyEngine();
      const broken = Object.assign(Object.create(PolicyEngine.prototype) as PolicyEngine, {
        bundle: real.bundle,
        evaluate: () => {
          throw new Error('wasm trap: unreachable');
        },
      });
      const outcome = decided(
        await gateModelPackage(eventFor(f, pkg), { ...f.deps, policyEngine: async () => broken }),
      );
      expect(outcome.decision.decision).toBe('deny');
      expect(outcome.decision.violations[0]).toMatchObject({ rule: 'gate.policy_error' });
      expect(outcome.decision.policy.bundleSha256).toBe(real.bundle.sha256);
    });

    it('denies when the policy answers with something that is not a decision', async () => {
      const f = gateFixture();
      const pkg = await f.register('credit', credit);
      const real = await sharedPolicyEngine();
      const odd = Object.assign(Object.create(PolicyEngine.prototype) as PolicyEngine, {
        bundle: real.bundle,
        evaluate: () => ({ decision: 'allow' }),
      });
      const outcome = decided(
        await gateModelPackage(eventFor(f, pkg), { ...f.deps, policyEngine: async () => odd }),
      );
      expect(outcome.decision.decision).toBe('deny');
      expect(outcome.decision.violations[0]?.rule).toBe('gate.policy_error');
    });

    it('denies when a policy allows a system of unknown risk class', async () => {
      const f = gateFixture();
      const pkg = await f.register('credit', credit);
      const real = await sharedPolicyEngine();
      const lenient = Object.assign(Object.create(PolicyEngine.prototype) as PolicyEngine, {
        bundle: real.bundle,
        evaluate: () => ({ decision: 'allow', riskClass: 'unknown', violations: [], obligations: [] }),
      });
      const outcome = decided(
        await gateModelPackage(eventFor(f, pkg), { ...f.deps, policyEngine: async () => lenient }),
      );
      expect(outcome.approvalStatus).toBe('Rejected');
      expect(outcome.decision).toMatchObject({ decision: 'deny', riskClass: 'unknown' });
      expect(outcome.decision.violations[0]).toMatchObject({
        rule: 'gate.risk_class_unknown',
        severity: 'critical',
      });
    });

    it('denies when loading inputs outlives the deadline', async () => {
      const f = gateFixture();
      const pkg = await f.register('credit', credit);
      const hanging = {
        get: () => new Promise<undefined>(() => undefined),
        stat: () => new Promise<undefined>(() => undefined),
        put: async () => undefined,
        getRange: () => new Promise<undefined>(() => undefined),
        stream: () => new Promise<undefined>(() => undefined),
      };
      const outcome = decided(
        await gateModelPackage(eventFor(f, pkg), { ...f.deps, objects: hanging, deadlineMs: 20 }),
      );
      expect(outcome.approvalStatus).toBe('Rejected');
      expect(outcome.decision.violations[0]).toMatchObject({
        rule: 'gate.inputs_unavailable',
        message:
          'governance inputs could not be loaded: loading governance inputs did not finish within 20 ms',
      });
    });
  });

  it('is deterministic: the same input and bundle give the same input hash and outcome', async () => {
    const a = gateFixture();
    const b = gateFixture();
    const first = decided(await gate(a, await a.register('credit', credit), 'e1')).decision;
    const second = decided(await gate(b, await b.register('credit', credit), 'e1')).decision;
    // Only the measured evaluation time may differ.
    expect(second).toEqual({ ...first, evaluationMs: expect.any(Number) });
  });
});
