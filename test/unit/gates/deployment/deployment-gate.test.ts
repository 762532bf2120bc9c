/**
 * The deployment gate end to end through the compiled bundle (policies/build): the input built from a request,
 * the ledger's approval and the profile, evaluated in-process, the same Decision shape as the registry gate's,
 * and a deny whenever the gate cannot decide.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../../../functions/contracts/decision.ts';
import type { DeploymentRequestInput } from '../../../../functions/contracts/deployment-request.ts';
import type { Exception } from '../../../../functions/contracts/exception.ts';
import {
  type DeploymentFacts,
  type DeploymentGateDeps,
  decideDeployment,
} from '../../../../functions/gates/deployment/deployment-gate.ts';
import type { EvidenceRead } from '../../../../functions/gates/deployment/deployment-input.ts';
import { cachedPolicyEngine, policyBundlePath } from '../../../../functions/gates/policy/engine-cache.ts';
import { PolicyBundleUntrustedError } from '../../../../functions/gates/policy/errors.ts';
import type { PolicyEngine } from '../../../../functions/gates/policy/policy-engine.ts';
import { InvalidInputError } from '../../../../functions/shared/validation.ts';
import {
  ARN,
  eksRequest,
  OVERSIGHT_DOCUMENT,
  OVERSIGHT_SHA256,
  OVERSIGHT_URI,
  registryDecision,
  sagemakerRequest,
} from '../../../support/deployment-requests.ts';

const NOW = new Date('2026-11-28T10:00:00.000Z');
const DIGEST = `sha256:${'ab'.repeat(32)}`;

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await cachedPolicyEngine(policyBundlePath())();
});

function deps(policyEngine: () => Promise<PolicyEngine> = async () => engine): DeploymentGateDeps {
  return { policyEngine, now: () => NOW };
}

const capture = {
  enabled: true,
  captureRequest: true,
  captureResponse: true,
  samplingPercent: 100,
  destination: 's3://verdict-capture/credit-scorer/',
  retentionDays: 184,
};

const request: DeploymentRequestInput = { ...sagemakerRequest, dataCapture: capture };

function facts(changes: Partial<DeploymentFacts> = {}): DeploymentFacts {
  return {
    approval: { decision: registryDecision(), artifactDigest: DIGEST },
    artifactDigest: DIGEST,
    profile: { name: 'Credit scorer', personalData: { legalBasis: 'contract', masking: true } },
    exceptions: [],
    humanOversight: oversightRead(),
    ...changes,
  };
}

/** The approval's human-oversight document as the facts source read it. */
function oversightRead(changes: Partial<EvidenceRead> = {}): EvidenceRead {
  const size = Buffer.byteLength(OVERSIGHT_DOCUMENT);
  return { uri: OVERSIGHT_URI, readable: true, exists: true, sha256: OVERSIGHT_SHA256, size, ...changes };
}

function rules(decision: Decision): string[] {
  return decision.violations.map((v) => v.rule);
}

describe('the deployment gate', () => {
  it('allows an approved high-risk model with a canary, alarms and full logging, with its cost', async () => {
    const { decision, cost } = await decideDeployment('req-1', request, facts(), deps());
    expect(decision).toMatchObject({
      gate: 'deployment',
      decision: 'allow',
      riskClass: 'high',
      violations: [],
      subject: { kind: 'model-package', id: ARN, group: 'credit-scorer', version: '3' },
      policy: { entrypoint: 'verdict/gates/deployment/decision', version: '0.5.0' },
      trigger: { eventId: 'req-1', source: 'verdict.deployments', detailType: 'Deployment Requested' },
      evaluatedAt: NOW.toISOString(),
    });
    // The decision ties itself to the exact human-oversight document the gate read.
    expect(decision.obligations).toEqual([
      {
        id: 'human_oversight',
        ref: 'Art. 14; Art. 26(2)',
        title: 'Human oversight assigned to competent, trained people',
        applies: true,
        satisfied: true,
        evidence: OVERSIGHT_URI,
        evidenceSha256: OVERSIGHT_SHA256,
      },
    ]);
    expect(cost).toEqual({
      instanceType: 'ml.m5.xlarge',
      region: 'eu-west-1',
      units: 4,
      hoursPerMonth: 730,
      hourlyUsd: 0.256,
      monthlyUsd: 747.52,
      budgetUsd: 5000,
      costCentre: 'cc-credit',
    });
    const again = await decideDeployment('req-1', request, facts(), deps());
    expect(again.decision.id).toBe(decision.id);
    expect(again.decision.inputSha256).toBe(decision.inputSha256);
  });

  it('prices an EKS GPU workload from its node type', async () => {
    const { decision, cost } = await decideDeployment(
      'req-2',
      { ...eksRequest, dataCapture: capture },
      facts(),
      deps(),
    );
    expect(rules(decision)).toEqual([
      'deployment.rollback_alarms_missing',
      'deployment.strategy_not_gradual',
    ]);
    expect(cost?.monthlyUsd).toBeCloseTo(1311.81, 2);
  });

  it('refuses a version without a decision, or with a decision about another package', async () => {
    const none = await decideDeployment('req-3', request, facts({ approval: null }), deps());
    expect(none.decision.decision).toBe('deny');
    expect(none.decision.riskClass).toBe('unknown');
    expect(none.decision.violations).toEqual([
      expect.objectContaining({
        rule: 'deployment.approval_missing',
        family: 'deployment',
        mode: 'enforce',
        message: `The ledger holds no model-registry decision for ${ARN}.`,
      }),
    ]);
    const other = registryDecision({
      subject: { kind: 'model-package', id: `${ARN}0`, group: 'credit-scorer', version: '30' },
    });
    const elsewhere = await decideDeployment(
      'req-4',
      request,
      facts({ approval: { decision: other, artifactDigest: DIGEST } }),
      deps(),
    );
    expect(rules(elsewhere.decision)).toEqual(['deployment.approval_missing']);
  });

  it('refuses a revoked allow and a different artifact, and no exception waives them', async () => {
    const waiver: Exception = {
      id: 'ex-1',
      rule: 'deployment.approval_revoked',
      subject: 'credit-scorer',
      reason: 'Needed for the quarter-end run.',
      approver: 'head-of-ml@example.com',
      expiresAt: '2026-12-31T00:00:00Z',
      grantedAt: '2026-11-20T00:00:00Z',
    };
    const { decision } = await decideDeployment(
      'req-5',
      request,
      facts({
        approval: {
          decision: registryDecision(),
          artifactDigest: DIGEST,
          revokedAt: '2026-11-28T09:00:00.000Z',
        },
        artifactDigest: `sha256:${'cd'.repeat(32)}`,
        exceptions: [waiver],
      }),
      deps(),
    );
    expect(decision.decision).toBe('deny');
    expect(rules(decision)).toEqual(['deployment.approval_revoked', 'deployment.digest_mismatch']);
    expect(decision.violations[0]?.waiverRefused).toBe(
      'ex-1: a model version runs only with an allow decision of the registry gate that is not revoked',
    );
  });

  it('takes a revocation dated later as not yet revoked', async () => {
    const approval = {
      decision: registryDecision(),
      artifactDigest: DIGEST,
      revokedAt: '2026-11-29T00:00:00Z',
    };
    const { decision } = await decideDeployment('req-6', request, facts({ approval }), deps());
    expect(decision.decision).toBe('allow');
  });

  it('needs network isolation for a model whose registry decision found personal data', async () => {
    const found = registryDecision({
      violations: [
        {
          rule: 'pii.us_ssn',
          severity: 'critical',
          message: 'm',
          reference: 'US_SSN',
          remediation: 'r',
          waiver: { id: 'ex-2', approver: 'a', reason: 'r', expiresAt: '2027-01-01T00:00:00Z' },
        },
      ],
    });
    const { decision } = await decideDeployment(
      'req-7',
      { ...request, networkIsolation: false },
      facts({ approval: { decision: found, artifactDigest: DIGEST }, profile: { name: 'Credit scorer' } }),
      deps(),
    );
    expect(decision.violations.map((v) => [v.rule, v.message])).toEqual([
      [
        'deployment.network_isolation_required',
        'The model was trained on personal data (the registry gate found US_SSN) and is deployed without network isolation.',
      ],
    ]);
  });

  it('refuses a deployment over the budget unless an exception in force waives it; a revoked one does not', async () => {
    const big = {
      ...request,
      compute: { ...sagemakerRequest.compute, instanceType: 'ml.g5.2xlarge', maxInstanceCount: 8 },
    };
    const over = await decideDeployment('req-8', big, facts(), deps());
    expect(over.decision.violations.map((v) => v.message)).toEqual([
      'The monthly estimate of USD 9869.60 (8 x ml.g5.2xlarge at USD 1.69 an hour, 730 hours) exceeds the budget of USD 5000.00 of cost centre cc-credit.',
    ]);
    const waiver: Exception = {
      id: 'ex-3',
      rule: 'deployment.cost_over_budget',
      subject: ARN,
      reason: 'Peak season capacity approved by finance.',
      approver: 'cfo@example.com',
      expiresAt: '2026-12-31T00:00:00Z',
      grantedAt: '2026-11-20T00:00:00Z',
    };
    const waived = await decideDeployment('req-9', big, facts({ exceptions: [waiver] }), deps());
    expect(waived.decision.decision).toBe('allow');
    expect(waived.decision.violations[0]?.waiver?.id).toBe('ex-3');
    const revoked = { ...waiver, revokedAt: '2026-11-27T00:00:00Z' };
    const unwaived = await decideDeployment('req-10', big, facts({ exceptions: [revoked] }), deps());
    expect(unwaived.decision.decision).toBe('deny');
  });

  it('refuses a high-risk deployment whose human-oversight document is missing, empty or unreadable', async () => {
    const cases: [EvidenceRead | undefined, string][] = [
      [oversightRead({ exists: false, sha256: null, size: null }), 'does not exist'],
      [oversightRead({ size: 0 }), 'is empty'],
      [oversightRead({ readable: false, exists: false, sha256: null, size: null }), 'could not be read'],
      [undefined, 'could not be read'],
    ];
    for (const [read, problem] of cases) {
      const changes = read ? { humanOversight: read } : {};
      const { decision } = await decideDeployment(
        'req-ho',
        request,
        { ...facts(), humanOversight: undefined, ...changes },
        deps(),
      );
      expect(decision.decision).toBe('deny');
      expect(decision.violations.map((v) => [v.rule, v.message, v.reference])).toEqual([
        [
          'deployment.human_oversight_unreadable',
          `The human-oversight evidence ${OVERSIGHT_URI} ${problem}.`,
          'Art. 14; Art. 26(2)',
        ],
      ]);
      expect(decision.obligations).toMatchObject([{ id: 'human_oversight', satisfied: false }]);
    }
  });

  it('refuses a bad request before any policy runs, naming each problem', async () => {
    let evaluated = false;
    const watching = async () => {
      evaluated = true;
      return engine;
    };
    const bad = {
      ...request,
      strategy: { ...sagemakerRequest.strategy, bakeSeconds: 7200 },
      environment: 'qa',
    };
    const error = await decideDeployment('req-11', bad, facts(), deps(watching)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).code).toBe('deployment_request.invalid');
    expect((error as InvalidInputError).problems).toEqual([
      'environment: Invalid option: expected one of "dev"|"staging"|"prod"',
      'strategy.bakeSeconds: Too big: expected number to be <=3600',
    ]);
    expect(evaluated).toBe(false);
  });
});

describe('the deployment gate fails closed', () => {
  it('denies when the bundle cannot be loaded', async () => {
    const { decision, cost } = await decideDeployment(
      'req-12',
      request,
      facts(),
      deps(async () => {
        throw new Error('ENOENT bundle.tar.gz');
      }),
    );
    expect(decision).toMatchObject({
      decision: 'deny',
      riskClass: 'unknown',
      policy: { bundleSha256: 'unavailable', version: 'unavailable' },
    });
    expect(decision.violations.map((v) => [v.rule, v.message])).toEqual([
      ['gate.policy_unavailable', 'policy bundle could not be loaded: ENOENT bundle.tar.gz'],
    ]);
    expect(cost).toBeNull();
  });

  it('denies when the bundle is not the pinned one', async () => {
    const { decision } = await decideDeployment(
      'req-13',
      request,
      facts(),
      deps(async () => {
        throw new PolicyBundleUntrustedError('not pinned', 'a'.repeat(64));
      }),
    );
    expect(rules(decision)).toEqual(['gate.bundle_untrusted']);
    expect(decision.policy).toMatchObject({ bundleSha256: 'a'.repeat(64), version: 'untrusted' });
  });

  // A hand-made engine stands in for a faulty bundle: the real one cannot be made to return these.
  function fakeEngine(result: unknown): () => Promise<PolicyEngine> {
    return async () => ({ bundle: engine.bundle, evaluate: () => result }) as unknown as PolicyEngine;
  }

  it('denies when the policy returns something that is not a decision', async () => {
    const { decision } = await decideDeployment(
      'req-14',
      request,
      facts(),
      deps(fakeEngine({ decision: 'yes' })),
    );
    expect(rules(decision)).toEqual(['gate.policy_error']);
    expect(decision.decision).toBe('deny');
  });

  it('denies an allow the approval does not support, whatever the bundle says', async () => {
    const allow = { decision: 'allow', riskClass: 'high', violations: [], obligations: [], cost: null };
    const revoked = facts({
      approval: { decision: registryDecision(), artifactDigest: DIGEST, revokedAt: '2026-11-01T00:00:00Z' },
    });
    const { decision } = await decideDeployment('req-15', request, revoked, deps(fakeEngine(allow)));
    expect(decision.decision).toBe('deny');
    expect(decision.violations.map((v) => [v.rule, v.message])).toEqual([
      [
        'gate.approval_unverified',
        'the policy allowed a deployment, but the model-registry decision dec-credit-scorer-3 was revoked',
      ],
    ]);
    for (const [changes, reason] of [
      [{ approval: null }, 'the ledger holds no model-registry decision for the package'],
      [{ artifactDigest: null }, `the artifact (none) is not the one decision dec-credit-scorer-3 allowed`],
      [
        { approval: { decision: registryDecision({ decision: 'review' }), artifactDigest: DIGEST } },
        'the model-registry decision dec-credit-scorer-3 is review',
      ],
      [
        { approval: { decision: registryDecision({ riskClass: 'unknown' }), artifactDigest: DIGEST } },
        'the risk class is unknown',
      ],
    ] as const) {
      const outcome = await decideDeployment('req-16', request, facts(changes), deps(fakeEngine(allow)));
      expect(outcome.decision.violations[0]?.message).toBe(`the policy allowed a deployment, but ${reason}`);
    }
  });
});
