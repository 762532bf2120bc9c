/**
 * Revoking a model-registry `allow`: the revocation is a ledger action (`decision/<id>/revoke`), the
 * registry's approval is withdrawn, and `Verdict Decision Revoked` takes every live deployment of the
 * approved artifact out of service. From then on the deployment gate refuses the artifact. Revoking twice
 * records nothing new and announces the revocation again (a lost announcement is repaired by retrying).
 */
import type { Decision } from '../../contracts/decision.ts';
import { DECISION_REVOKED, VERDICT_SOURCE } from '../../contracts/deployment-events.ts';
import type { ActionLog, RecordedActions } from '../../ports/action-log.ts';
import type { DecisionStore } from '../../ports/decision-store.ts';
import type { EventPublisher } from '../../ports/event-publisher.ts';
import type { ModelRegistry } from '../../ports/model-registry.ts';

export const DECISION_REVOCATION_KIND = 'decision.revoke';
export const MAX_REVOCATION_REASON = 500;

export function revocationActionId(decisionId: string): string {
  return `decision/${decisionId}/revoke`;
}

export interface RevokeDecisionDeps {
  decisions: DecisionStore;
  actions: ActionLog & RecordedActions;
  events: EventPublisher;
  /** The registry whose approval is withdrawn (set to Rejected). */
  registry: ModelRegistry;
  now: () => Date;
}

export interface Revocation {
  decision: Decision;
  revokedAt: string;
  reason: string;
  /** The decision had been revoked before: nothing new was recorded. */
  alreadyRevoked: boolean;
}

export class DecisionNotRevocableError extends Error {
  override readonly name = 'DecisionNotRevocableError';
  constructor(
    readonly decisionId: string,
    readonly problem: 'not-found' | 'not-an-allow' | 'not-a-registry-decision' | 'bad-reason',
    message: string,
  ) {
    super(message);
  }
}

export async function revokeDecision(
  decisionId: string,
  reason: string,
  deps: RevokeDecisionDeps,
): Promise<Revocation> {
  const trimmed = reason.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_REVOCATION_REASON) {
    throw new DecisionNotRevocableError(
      decisionId,
      'bad-reason',
      `a revocation needs a reason of 1 to ${MAX_REVOCATION_REASON} characters`,
    );
  }
  const decision = await deps.decisions.get(decisionId);
  if (!decision) throw new DecisionNotRevocableError(decisionId, 'not-found', `no decision ${decisionId}`);
  if (decision.gate !== 'model-registry') {
    throw new DecisionNotRevocableError(
      decisionId,
      'not-a-registry-decision',
      `decision ${decisionId} is a ${decision.gate} decision: only a model-registry approval can be revoked`,
    );
  }
  if (decision.decision !== 'allow') {
    throw new DecisionNotRevocableError(
      decisionId,
      'not-an-allow',
      `decision ${decisionId} is a ${decision.decision}: only an allow can be revoked`,
    );
  }
  const actionId = revocationActionId(decisionId);
  const recorded = await deps.actions.findAction(actionId);
  const revokedAt = recorded?.at ?? deps.now().toISOString();
  const recordedReason = recorded?.detail ?? trimmed;
  if (!recorded) {
    await deps.actions.recordAction({
      id: actionId,
      decisionId,
      kind: DECISION_REVOCATION_KIND,
      target: decision.subject.id,
      outcome: 'succeeded',
      at: revokedAt,
      detail: trimmed,
    });
  }
  await deps.registry.setApprovalStatus(
    decision.subject.id,
    'Rejected',
    `Verdict decision ${decisionId} revoked: ${recordedReason}`,
  );
  await deps.events.publish({
    source: VERDICT_SOURCE,
    detailType: DECISION_REVOKED,
    detail: { decisionId, revokedAt, reason: recordedReason },
    resources: [decision.subject.id],
  });
  return { decision, revokedAt, reason: recordedReason, alreadyRevoked: recorded !== undefined };
}
