/**
 * Promotion: a model version the model-registry gate allowed is asked to be deployed by every promotion rule
 * naming its group. Each rule publishes a `Verdict Deployment Requested` like the API's, which the
 * deployment gate decides as any other request: a rule asks, it never deploys by itself.
 *
 * Only a recorded decision promotes: the event names it, and the decision store's copy decides (an event
 * the store does not confirm is refused, and retried in case the record is late).
 *
 * The request id derives from the decision and the rule's name, so a redelivered decision asks for the same
 * deployment (the orchestrator returns the one recorded). The request is published, then recorded in the
 * ledger as the rule's action; a recorded action is not published again.
 */
import type { Decision } from '../contracts/decision.ts';
import { DEPLOYMENT_REQUESTED, VERDICT_SOURCE } from '../contracts/deployment-events.ts';
import { deploymentTargetName } from '../contracts/deployment-request.ts';
import { type PromotionRule, promotionRequest, ruleMatchesGroup } from '../contracts/promotion-rule.ts';
import type { ActionLog } from '../ports/action-log.ts';
import type { DecisionStore } from '../ports/decision-store.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import { PromotedDecisionNotRecordedError } from './errors.ts';
import { deploymentIdFor } from './request-deployment.ts';
import { promotionRequester } from './requested-by.ts';

/** The gate whose allowed versions are promoted. */
export const PROMOTED_GATE = 'model-registry';

export interface PromotionDeps {
  promotions: readonly PromotionRule[];
  events: EventPublisher;
  actions: ActionLog;
  /** Where the decision an event names is read back: what it says, not the event, is promoted. */
  decisions: Pick<DecisionStore, 'get'>;
  now: () => Date;
}

export interface Promotion {
  rule: string;
  requestId: string;
  deploymentId: string;
}

/** `promotion:<decision id>:<rule name>`: one request per decision and rule, whatever redelivers it. */
export function promotionRequestId(decisionId: string, ruleName: string): string {
  return `promotion:${decisionId}:${ruleName}`;
}

export function promotionActionId(requestId: string): string {
  return `${requestId}/requested`;
}

/** Asks for each deployment the rules name for an allowed version; nothing for any other decision. */
export async function promoteVersion(event: Decision, deps: PromotionDeps): Promise<Promotion[]> {
  if (!promotes(event) || deps.promotions.length === 0) return [];
  const decision = await deps.decisions.get(event.id);
  if (!decision) throw new PromotedDecisionNotRecordedError(event.id);
  if (!promotes(decision)) return [];
  const rules = deps.promotions.filter((rule) => ruleMatchesGroup(rule, decision.subject.group));
  const promotions: Promotion[] = [];
  for (const rule of rules) {
    const requestId = promotionRequestId(decision.id, rule.name);
    const deploymentId = deploymentIdFor(requestId);
    promotions.push({ rule: rule.name, requestId, deploymentId });
    const actionId = promotionActionId(requestId);
    if (await deps.actions.hasAction(actionId)) continue;
    const request = promotionRequest(rule, decision.subject.id);
    await deps.events.publish({
      source: VERDICT_SOURCE,
      detailType: DEPLOYMENT_REQUESTED,
      detail: { requestId, request, requestedBy: promotionRequester(rule.name) },
    });
    await deps.actions.recordAction({
      id: actionId,
      decisionId: decision.id,
      kind: 'deployment.promote',
      target: deploymentTargetName(request.target),
      outcome: 'succeeded',
      at: deps.now().toISOString(),
      detail: `rule ${rule.name} requested deployment ${deploymentId} of ${decision.subject.id} to ${request.environment}`,
    });
  }
  return promotions;
}

function promotes(decision: Decision): boolean {
  return decision.gate === PROMOTED_GATE && decision.decision === 'allow';
}
