/** `GET /health` and `GET /openapi.json`: the two routes anyone may call. */
import { z } from 'zod';
import { type ApiRoute, defineRoute } from './route.ts';

export const health = defineRoute({
  id: 'health.get',
  tag: 'meta',
  summary: 'Liveness',
  responses: {
    200: { description: 'Serving', schema: z.object({ status: z.literal('ok') }).meta({ id: 'Health' }) },
  },
  problems: [],
  async handle() {
    return { status: 200, body: { status: 'ok' } };
  },
});

/** The document is built from the route table that holds this route, so it is passed in lazily. */
export function openApiRoute(document: () => object): ApiRoute {
  return defineRoute({
    id: 'openapi.get',
    tag: 'meta',
    summary: 'This API, described in OpenAPI 3.1',
    responses: {
      200: {
        description: 'The OpenAPI document',
        schema: z.looseObject({ openapi: z.string() }).meta({ id: 'OpenApiDocument' }),
      },
    },
    problems: [],
    async handle() {
      return { status: 200, body: document() };
    },
  });
}
