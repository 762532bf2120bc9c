/**
 * The model-registry gate as a Lambda handler: middy wiring only. The Lambda entry point (handler.ts) and
 * the local runtime both build their handler here, with AWS or local adapters respectively.
 */
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { ZodError } from 'zod';
import {
  type ModelPackageStateChangeEvent,
  modelPackageStateChangeEventSchema,
} from '../../contracts/model-package-state-change.ts';
import { logger, metrics, tracer } from '../../shared/observability.ts';
import { describeIssues, InvalidInputError, type SchemaIssue } from '../../shared/validation.ts';
import { rejectBadInput } from '../middleware/reject-bad-input.ts';
import {
  GATE,
  type GateOutcome,
  gateModelPackage,
  type ModelRegistryGateDeps,
} from './model-registry-gate.ts';

/** Time kept back from the Lambda deadline so a late evaluation still ends in a recorded deny. */
const DEADLINE_MARGIN_MS = 5_000;

export interface ModelRegistryGateHandlerDeps extends ModelRegistryGateDeps {
  idempotencyStore: BasePersistenceLayer;
}

export type GateSummary =
  | { status: 'decided'; decisionId: string; decision: string; approvalStatus: string }
  | { status: 'duplicate'; decisionId: string }
  | { status: 'skipped'; reason: string };

/** What Lambda (or the local bus) calls: the raw event is unknown until the parser has checked it. */
export type ModelRegistryGateHandler = (event: unknown, context: Context) => Promise<GateSummary>;

export function createModelRegistryGateHandler(deps: ModelRegistryGateHandlerDeps): ModelRegistryGateHandler {
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'id', expiresAfterSeconds: 7 * 24 * 3600 });
  const handler = middy<unknown, GateSummary, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(rejectBadInput(GATE, () => deps.decisions, deps.now))
    .use(makeHandlerIdempotent({ persistenceStore: deps.idempotencyStore, config }))
    .use(parser({ schema: modelPackageStateChangeEventSchema, safeParse: true }))
    .handler(async (event, context) => {
      const parsed = event as ParsedResult<unknown, ModelPackageStateChangeEvent>;
      if (!parsed.success) throw invalidEvent(parsed.error);
      const remaining = context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
      const deadlineMs = Math.max(1, Math.min(deps.deadlineMs, remaining - DEADLINE_MARGIN_MS));
      const outcome = await gateModelPackage(parsed.data, { ...deps, deadlineMs });
      return summarise(outcome);
    });
  return (event, context) => handler(event as never, context);
}

function invalidEvent(error: Error): InvalidInputError {
  const cause = error.cause;
  const issues =
    cause instanceof ZodError ? cause.issues : Array.isArray(cause) ? (cause as SchemaIssue[]) : undefined;
  return new InvalidInputError('event.invalid', issues ? describeIssues(issues) : [error.message]);
}

function summarise(outcome: GateOutcome): GateSummary {
  if (outcome.status === 'skipped') {
    metrics.addMetric('Skipped', MetricUnit.Count, 1);
    logger.info('gate skipped', { reason: outcome.reason });
    return outcome;
  }
  const { decision } = outcome;
  if (outcome.status === 'duplicate') {
    metrics.addMetric('Redeliveries', MetricUnit.Count, 1);
    logger.info('redelivered event: decision already applied', { decisionId: decision.id });
    return { status: 'duplicate', decisionId: decision.id };
  }
  metrics.addDimensions({ outcome: decision.decision });
  metrics.addMetric('Decisions', MetricUnit.Count, 1);
  logger.info('model package gated', {
    decisionId: decision.id,
    decision: decision.decision,
    subject: decision.subject,
    rules: decision.violations.map((v) => v.rule),
    policy: decision.policy,
  });
  return {
    status: 'decided',
    decisionId: decision.id,
    decision: decision.decision,
    approvalStatus: outcome.approvalStatus,
  };
}
