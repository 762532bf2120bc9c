/**
 * Promotion through the orchestrator: an allowed model version asks, per rule naming its group, for one
 * deployment under a request id derived from the decision and the rule (recorded in the ledger, not asked
 * again on redelivery); the request is then gated like any other. A denial, another gate's decision or a
 * group no rule names asks for nothing.
 */
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../functions/contracts/decision.ts';
import type { PromotionRule } from '../../../functions/contracts/promotion-rule.ts';
import {
  type DeploymentOrchestratorDeps,
  type OrchestratorEvent,
  orchestrate,
} from '../../../functions/deployments/orchestrate.ts';
import { promotionActionId, promotionRequestId } from '../../../functions/deployments/promote-version.ts';
import { deploymentIdFor } from '../../../functions/deployments/request-deployment.ts';
import { ARN, REGISTRY_DECISION_ID, registryDecision } from '../../support/deployment-requests.ts';
import { type SagaFixture, sagaFixture } from '../../support/deployment-saga.ts';
import { creditScorerRule } from '../../support/promotion-rules.ts';
import { RecordingPublisher } from '../../support/revocation-fixture.ts';

const REQUEST_ID = promotionRequestId(REGISTRY_DECISION_ID, 'credit-scorer-prod');

async function fixture(
  promotions: readonly PromotionRule[] = [creditScorerRule],
): Promise<SagaFixture & { orch: DeploymentOrchestratorDeps; events: RecordingPublisher }> {
  const f = await sagaFixture();
  const events = new RecordingPublisher();
  return { ...f, events, orch: { ...f.deps, targetEvents: [], events, promotions } };
}

const decided = (decision: Decision): OrchestratorEvent => ({
  id: 'event-1',
  source: 'verdict',
  'detail-type': 'Verdict Decision',
  detail: decision,
});

describe('promotion of an allowed model version', () => {
  it('asks for the deployment each matching rule names, and records it in the ledger', async () => {
    const f = await fixture([
      creditScorerRule,
      { ...creditScorerRule, name: 'fraud-prod', modelPackageGroup: 'fraud-*' },
    ]);
    const outcome = await orchestrate(decided(registryDecision()), f.orch);
    expect(outcome).toEqual({
      step: 'promote',
      decisionId: REGISTRY_DECISION_ID,
      promotions: [
        { rule: 'credit-scorer-prod', requestId: REQUEST_ID, deploymentId: deploymentIdFor(REQUEST_ID) },
      ],
    });
    expect(f.events.events).toHaveLength(1);
    const [event] = f.events.events;
    expect(event?.detailType).toBe('Verdict Deployment Requested');
    const detail = event?.detail as { requestId: string; request: { modelPackageArn: string } };
    expect(detail.requestId).toBe(`promotion:${REGISTRY_DECISION_ID}:credit-scorer-prod`);
    expect(detail.request.modelPackageArn).toBe(ARN);
    expect(await f.deps.actions.findAction(promotionActionId(REQUEST_ID))).toMatchObject({
      decisionId: REGISTRY_DECISION_ID,
      kind: 'deployment.promote',
      target: 'sagemaker:credit-scorer-prod',
      outcome: 'succeeded',
    });
    // Nothing is deployed by the promotion itself: the request goes through the orchestrator.
    expect(await f.store.get(deploymentIdFor(REQUEST_ID))).toBeUndefined();
  });

  it('asks nothing again when the decision is redelivered', async () => {
    const f = await fixture();
    await orchestrate(decided(registryDecision()), f.orch);
    const size = await f.ledger.size();
    const again = await orchestrate(decided(registryDecision()), f.orch);
    expect(again).toMatchObject({ step: 'promote', promotions: [{ requestId: REQUEST_ID }] });
    expect(f.events.events).toHaveLength(1);
    expect(await f.ledger.size()).toBe(size);
  });

  it('lets the deployment gate decide the request it asks for', async () => {
    const f = await fixture();
    await orchestrate(decided(registryDecision()), f.orch);
    const [event] = f.events.events;
    const outcome = await orchestrate(
      { source: 'verdict', 'detail-type': 'Verdict Deployment Requested', detail: event?.detail },
      f.orch,
    );
    expect(outcome).toEqual({
      step: 'request',
      deployment: { id: deploymentIdFor(REQUEST_ID), status: 'baking' },
    });
    const recorded = await f.store.get(deploymentIdFor(REQUEST_ID));
    expect(recorded?.decision.gate).toBe('deployment');
    // Asked for by the rule, not by a person.
    expect(recorded?.requestedBy).toBe('promotion:credit-scorer-prod');
  });

  it('asks for a deployment the gate then refuses when the rule breaks the policy', async () => {
    const { dataCapture: _capture, ...uncaptured } = creditScorerRule as Record<string, unknown>;
    const f = await fixture([uncaptured as PromotionRule]);
    await orchestrate(decided(registryDecision()), f.orch);
    const [event] = f.events.events;
    const outcome = await orchestrate(
      { source: 'verdict', 'detail-type': 'Verdict Deployment Requested', detail: event?.detail },
      f.orch,
    );
    expect(outcome).toMatchObject({ step: 'request', deployment: { status: 'refused' } });
    expect(f.target.calls).toEqual([]);
  });

  it.each([
    ['a denied version', registryDecision({ decision: 'deny' })],
    ['a version sent for review', registryDecision({ decision: 'review' })],
    ['a decision of another gate', registryDecision({ gate: 'deployment' })],
  ])('asks for nothing on %s', async (_what, decision) => {
    const f = await fixture();
    const size = await f.ledger.size();
    expect(await orchestrate(decided(decision), f.orch)).toEqual({
      step: 'promote',
      decisionId: decision.id,
      promotions: [],
    });
    expect(f.events.events).toEqual([]);
    expect(await f.ledger.size()).toBe(size);
  });

  it('asks for nothing for a group no rule names', async () => {
    const f = await fixture([{ ...creditScorerRule, modelPackageGroup: 'credit-scorer-?' }]);
    expect(await orchestrate(decided(registryDecision()), f.orch)).toMatchObject({ promotions: [] });
    expect(f.events.events).toEqual([]);
  });

  it('promotes what the recorded decision says, not what the event claims', async () => {
    const f = await fixture();
    const denied = registryDecision({ id: 'dec-credit-scorer-3-denied', decision: 'deny' });
    await f.deps.decisions.record(denied);
    const claimed = { ...denied, decision: 'allow' as const };
    expect(await orchestrate(decided(claimed), f.orch)).toMatchObject({ promotions: [] });
    const forged = registryDecision({ id: 'dec-never-recorded' });
    await expect(orchestrate(decided(forged), f.orch)).rejects.toThrow(
      'decision dec-never-recorded is not recorded: nothing is promoted on it',
    );
    expect(f.events.events).toEqual([]);
  });

  it('asks for nothing without promotion rules', async () => {
    const f = await fixture();
    const { promotions: _rules, ...withoutRules } = f.orch;
    expect(await orchestrate(decided(registryDecision()), withoutRules)).toMatchObject({ promotions: [] });
    expect(f.events.events).toEqual([]);
  });
});
