/**
 * Revoking a model-registry allow: one ledger action, the registry's approval withdrawn, the revocation
 * announced; refused with the exact reason, and nothing written, for anything that is not a revocable allow.
 */
import { describe, expect, it } from 'vitest';
import {
  DECISION_REVOCATION_KIND,
  DecisionNotRevocableError,
  MAX_REVOCATION_REASON,
  type RevokeDecisionDeps,
  revokeDecision,
} from '../../../../functions/gates/revocation/revoke-decision.ts';
import { REGISTRY_DECISION_ID, registryDecision } from '../../../support/deployment-requests.ts';
import { type RevocationFixture, revocationFixture } from '../../../support/revocation-fixture.ts';

const REASON = 'the training data included records without a legal basis';

async function fixture(): Promise<RevocationFixture & { deps: RevokeDecisionDeps }> {
  const f = await revocationFixture({ package: { approvalStatus: 'Approved' } });
  await f.decisions.record(
    registryDecision({ id: 'dec-deny', decision: 'deny', subject: f.decision.subject }),
  );
  await f.decisions.record(
    registryDecision({ id: 'dec-deployment', gate: 'deployment', subject: f.decision.subject }),
  );
  const deps: RevokeDecisionDeps = {
    decisions: f.decisions,
    actions: f.ledger,
    events: f.events,
    registry: f.registry,
    now: f.clock.now,
  };
  return { ...f, deps };
}

async function refusal(promise: Promise<unknown>): Promise<DecisionNotRevocableError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DecisionNotRevocableError);
  return error as DecisionNotRevocableError;
}

describe('revokeDecision', () => {
  it.each([
    ['an unknown decision', 'dec-unknown', REASON, 'not-found', 'no decision dec-unknown'],
    [
      'a deny',
      'dec-deny',
      REASON,
      'not-an-allow',
      'decision dec-deny is a deny: only an allow can be revoked',
    ],
    [
      'a deployment-gate decision',
      'dec-deployment',
      REASON,
      'not-a-registry-decision',
      'decision dec-deployment is a deployment decision: only a model-registry approval can be revoked',
    ],
    [
      'an empty reason',
      REGISTRY_DECISION_ID,
      '   ',
      'bad-reason',
      `a revocation needs a reason of 1 to ${MAX_REVOCATION_REASON} characters`,
    ],
    [
      'a reason too long',
      REGISTRY_DECISION_ID,
      'x'.repeat(MAX_REVOCATION_REASON + 1),
      'bad-reason',
      'a revocation needs a reason of 1 to 500 characters',
    ],
  ])('refuses %s, recording and publishing nothing', async (_case, id, reason, problem, message) => {
    const f = await fixture();
    const size = await f.ledger.size();
    const history = await f.registry.statusHistory(f.arn);
    const error = await refusal(revokeDecision(id, reason, f.deps));
    expect([error.decisionId, error.problem, error.message]).toEqual([id, problem, message]);
    expect(await f.ledger.size()).toBe(size);
    expect(await f.registry.statusHistory(f.arn)).toEqual(history);
    expect((await f.registry.describeModelPackage(f.arn))?.approvalStatus).toBe('Approved');
    expect(f.events.events).toEqual([]);
  });

  it('records one revocation action, rejects the version in the registry and announces it', async () => {
    const f = await fixture();
    const size = await f.ledger.size();
    const revocation = await revokeDecision(REGISTRY_DECISION_ID, `  ${REASON}\n`, f.deps);
    const at = '2026-11-28T10:00:00.000Z';
    expect(revocation).toEqual({
      decision: f.decision,
      revokedAt: at,
      reason: REASON,
      alreadyRevoked: false,
    });

    expect(await f.ledger.size()).toBe(size + 1);
    const entry = await f.ledger.get(size);
    expect(entry?.id).toBe(`action/decision/${REGISTRY_DECISION_ID}/revoke`);
    expect(await f.ledger.findAction(`decision/${REGISTRY_DECISION_ID}/revoke`)).toEqual({
      id: `decision/${REGISTRY_DECISION_ID}/revoke`,
      decisionId: REGISTRY_DECISION_ID,
      kind: DECISION_REVOCATION_KIND,
      target: f.arn,
      outcome: 'succeeded',
      at,
      detail: REASON,
    });

    const pkg = await f.registry.describeModelPackage(f.arn);
    expect(pkg?.approvalStatus).toBe('Rejected');
    expect(pkg?.approvalDescription).toBe(`Verdict decision ${REGISTRY_DECISION_ID} revoked: ${REASON}`);

    expect(f.events.events).toEqual([
      {
        source: 'verdict',
        detailType: 'Verdict Decision Revoked',
        detail: { decisionId: REGISTRY_DECISION_ID, revokedAt: at, reason: REASON },
        resources: [f.arn],
      },
    ]);
  });

  it('accepts a reason of exactly the longest length', async () => {
    const f = await fixture();
    const reason = 'r'.repeat(MAX_REVOCATION_REASON);
    expect((await revokeDecision(REGISTRY_DECISION_ID, reason, f.deps)).reason).toBe(reason);
  });

  it('records nothing new when revoked again, keeps the first reason and time, and announces again', async () => {
    const f = await fixture();
    const first = await revokeDecision(REGISTRY_DECISION_ID, REASON, f.deps);
    const size = await f.ledger.size();
    f.clock.advance(3_600_000);
    const second = await revokeDecision(REGISTRY_DECISION_ID, 'another reason', f.deps);
    expect(second).toEqual({ ...first, alreadyRevoked: true });
    expect(await f.ledger.size()).toBe(size);
    expect((await f.registry.describeModelPackage(f.arn))?.approvalDescription).toBe(
      `Verdict decision ${REGISTRY_DECISION_ID} revoked: ${REASON}`,
    );
    expect(f.events.events).toHaveLength(2);
    expect(f.events.events[1]).toEqual(f.events.events[0]);
  });
});
