/**
 * The deployment orchestrator as a Lambda handler: middy wiring only. The Lambda entry point (handler.ts)
 * and the local runtime both build it here, with AWS or local adapters. Bad input is recorded as a rejection
 * and rethrown (to the rule's dead-letter queue); a busy deployment is rethrown for EventBridge to redeliver.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { DEPLOYMENT_GATE } from '../gates/deployment/deployment-gate.ts';
import { rejectBadInput } from '../gates/middleware/reject-bad-input.ts';
import { logger, metrics, tracer } from '../shared/observability.ts';
import { parseOrThrow } from '../shared/validation.ts';
import { type DeploymentOrchestratorDeps, type OrchestratorOutcome, orchestrate } from './orchestrate.ts';

const envelopeSchema = z.looseObject({
  id: z.string().min(1),
  source: z.string().min(1),
  'detail-type': z.string().min(1),
  detail: z.unknown(),
});

export type DeploymentOrchestratorHandler = (
  event: unknown,
  context: Context,
) => Promise<OrchestratorOutcome>;

export function createDeploymentOrchestratorHandler(
  deps: DeploymentOrchestratorDeps,
): DeploymentOrchestratorHandler {
  const handler = middy<unknown, OrchestratorOutcome, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(rejectBadInput(DEPLOYMENT_GATE, () => deps.decisions, deps.now))
    .handler(async (raw) => {
      const event = parseOrThrow(envelopeSchema, raw, 'event.invalid');
      const outcome = await orchestrate(event, deps);
      metrics.addDimensions({ step: outcome.step });
      metrics.addMetric('DeploymentSteps', MetricUnit.Count, 1);
      logger.info('deployment event handled', {
        eventId: event.id,
        detailType: event['detail-type'],
        ...outcome,
      });
      return outcome;
    });
  return (event, context) => handler(event as never, context);
}
