/**
 * The API as a Lambda handler (API Gateway HTTP API, payload 2.0): middy wiring around the router. The
 * Lambda entry (handler.ts) and `verdict serve` both build their handler here, with AWS or local adapters.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger, metrics, tracer } from '../shared/observability.ts';
import type { ApiDependencies, ApiRoute } from './route.ts';
import { createApiRouter } from './router.ts';

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** `routes`: the API's route table, default API_ROUTES (the local server adds LOCAL_API_ROUTES' downloads). */
export function createApiHandler(deps: ApiDependencies, routes?: readonly ApiRoute[]): ApiHandler {
  const router = createApiRouter(deps, routes);
  const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler(async (event) => {
      const response = await router(event);
      const status = response.statusCode ?? 200;
      metrics.addMetric(
        status >= 500 ? 'ApiServerErrors' : status >= 400 ? 'ApiClientErrors' : 'ApiRequests',
        MetricUnit.Count,
        1,
      );
      return response;
    });
  return (event, context) => handler(event, context);
}
