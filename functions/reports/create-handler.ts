/**
 * The report worker as a Lambda handler: middy wiring only. It receives the `Verdict Report Requested`
 * event (EventBridge, asynchronous invocation) and builds that one job; see report-job.ts.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { REPORT_REQUESTED_EVENT } from '../routes.ts';
import { logger, metrics, tracer } from '../shared/observability.ts';
import { describeIssues, InvalidInputError } from '../shared/validation.ts';
import { runReportJob } from './report-job.ts';
import type { ReportWorkerDeps } from './worker-job.ts';

const reportRequestedEventSchema = z.looseObject({
  source: z.literal(REPORT_REQUESTED_EVENT.source),
  'detail-type': z.literal(REPORT_REQUESTED_EVENT.detailType),
  detail: z.looseObject({ jobId: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/) }),
});

export type ReportWorkerHandler = (
  event: unknown,
  context: Context,
) => Promise<{ jobId: string; outcome: 'done' | 'failed' | 'skipped' }>;

export function createReportWorkerHandler(deps: ReportWorkerDeps): ReportWorkerHandler {
  const handler = middy<unknown, Awaited<ReturnType<ReportWorkerHandler>>, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler(async (event) => {
      const parsed = reportRequestedEventSchema.safeParse(event);
      if (!parsed.success) throw new InvalidInputError('event.invalid', describeIssues(parsed.error.issues));
      const jobId = parsed.data.detail.jobId;
      const outcome = await runReportJob(jobId, deps);
      metrics.addMetric(`Report${outcome[0]?.toUpperCase()}${outcome.slice(1)}`, MetricUnit.Count, 1);
      logger.info('report job', { jobId, outcome });
      return { jobId, outcome };
    });
  return (event, context) => handler(event as never, context);
}
