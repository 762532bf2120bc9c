/** The OpenAPI 3.1 document, generated from the route table's zod schemas (zod-openapi). */
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { PROBLEM_CONTENT_TYPE, problemSchema } from './problem.ts';
import type { ApiRoute } from './route.ts';

const API_TITLE = 'Verdict auditor API';
const API_VERSION = '1.0.0';

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request: invalid parameters or body',
  401: 'No credentials, or credentials that do not verify',
  403: 'The caller has no role that may call this route',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'Body too large',
  409: 'The state of the resource forbids it (revoked already; nothing signed to export)',
  415: 'Body is not application/json',
  503: 'Not configured in this deployment, or the access log cannot be written',
};

export function buildOpenApiDocument(routes: readonly ApiRoute[]): object {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const problems = new Set(route.problems);
    if (!route.public) for (const status of [401, 403, 503]) problems.add(status);
    const responses: ZodOpenApiOperationObject['responses'] = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      responses[status as `2${string}`] = {
        description: spec.description,
        content: Object.fromEntries(
          (spec.mediaTypes ?? ['application/json']).map((type) => [type, { schema: spec.schema }]),
        ),
        ...(spec.headers && { headers: spec.headers }),
        ...(spec.links && { links: spec.links }),
      };
    }
    for (const status of [...problems].sort()) {
      responses[`${status}` as `4${string}`] = {
        description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
      };
    }
    const operation: ZodOpenApiOperationObject = {
      operationId: route.id,
      summary: route.summary,
      ...(route.description && { description: route.description }),
      ...(route.localOnly && { 'x-verdict-local-only': true }),
      tags: [route.tag],
      security: route.public ? [] : [{ bearerAuth: [] }, { awsSigV4: [] }],
      ...((route.query || route.params || route.headers) && {
        requestParams: {
          ...(route.query && { query: route.query }),
          ...(route.params && { path: route.params }),
          ...(route.headers && { header: route.headers }),
        },
      }),
      ...(route.body && {
        requestBody: { required: true, content: { 'application/json': { schema: route.body } } },
      }),
      responses,
    };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: API_TITLE,
      version: API_VERSION,
      description:
        'Query decisions, the model inventory and the audit ledger, export the ledger and compliance reports, grant or revoke exceptions, and request or roll back deployments. Every call is recorded in the access log (who, what, when; never a body). Where the API reads the ledger only (in AWS), granting and revoking exceptions answer 503 and name the command that does it: `verdict exception grant|revoke --stack NAME`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Local server: a token from `npx verdict token create --role ROLE`',
        },
        awsSigV4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            'AWS: requests signed with Signature Version 4 (IAM authorisation); the role comes from the verdict:apiRoleMap context. With a JWT authoriser, an OIDC bearer token instead.',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
    },
    tags: [
      { name: 'decisions', description: 'What the gates decided' },
      { name: 'models', description: 'The model inventory' },
      { name: 'exceptions', description: 'Exceptions (waivers) of policy rules' },
      { name: 'ledger', description: 'The tamper-evident audit ledger' },
      { name: 'reports', description: 'Compliance report exports' },
      { name: 'access-log', description: 'Calls to this API' },
      { name: 'meta', description: 'Health and this document' },
    ],
    paths,
  });
}
