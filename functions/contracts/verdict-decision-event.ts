/**
 * The `Verdict Decision` event a gate puts on the Verdict bus once its decision is recorded: the decision
 * itself is the detail, and the decided resource (the model package ARN) is the event's only resource.
 */
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';
import { decisionSchema } from './decision.ts';

export const DECISION_EVENT = { source: 'verdict', detailType: 'Verdict Decision' } as const;

export const verdictDecisionEventSchema = EventBridgeSchema.extend({
  source: z.literal(DECISION_EVENT.source),
  'detail-type': z.literal(DECISION_EVENT.detailType),
  detail: decisionSchema,
});
export type VerdictDecisionEvent = z.infer<typeof verdictDecisionEventSchema>;
