/**
 * The API's request path, the same in Lambda and in `verdict serve`: match the route, authenticate,
 * check the permission table, validate path, query and body, answer, and record the call in the access
 * log. Bad input is a 4xx problem, never a 500; a call that cannot be recorded is not answered (503).
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { InvalidCursorError } from '../ports/decision-store.ts';
import { logger } from '../shared/observability.ts';
import { describeIssues } from '../shared/validation.ts';
import { API_ROUTES } from './api-routes.ts';
import type { Authentication } from './auth/authentication.ts';
import { mayCall, rolesOf } from './permissions.ts';
import { PROBLEM_CONTENT_TYPE, ProblemError } from './problem.ts';
import type { ApiDependencies, ApiRoute, RouteResult } from './route.ts';

export type ApiRouter = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** Request bodies are small JSON documents (a report request). */
export const MAX_REQUEST_BODY_BYTES = 16 * 1024;
/** Query values kept in an access record, and their length: enough to see what was asked. */
const MAX_LOGGED_PARAMS = 32;
const MAX_LOGGED_VALUE_LENGTH = 256;
/** Calls not recorded in the access log: load balancer and uptime probes. */
const UNLOGGED_ROUTES = new Set(['health.get']);
/** Query parameters that carry a credential (a download link's token, a presigned URL's signature). */
const CREDENTIAL_PARAM = /token|signature|credential/i;

interface CompiledRoute {
  route: ApiRoute;
  pattern: RegExp;
  names: string[];
}

function compile(route: ApiRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (!param) return segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
      names.push(param);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names };
}

export function createApiRouter(deps: ApiDependencies, routes: readonly ApiRoute[] = API_ROUTES): ApiRouter {
  const compiled = routes.map(compile);

  function match(method: string, path: string): { route: ApiRoute; params: Record<string, string> } {
    const candidates = compiled.flatMap((c) => {
      const m = c.pattern.exec(path);
      return m ? [{ c, m }] : [];
    });
    if (candidates.length === 0) throw new ProblemError(404, 'Not found', `no route ${path}`);
    const hit = candidates.find(({ c }) => c.route.method === method);
    if (!hit) {
      const allow = [...new Set(candidates.map(({ c }) => c.route.method))].join(', ');
      throw new ProblemError(405, 'Method not allowed', `${method} ${path}: use ${allow}`, undefined, {
        allow,
      });
    }
    const params: Record<string, string> = {};
    hit.c.names.forEach((name, i) => {
      try {
        params[name] = decodeURIComponent(hit.m[i + 1] as string);
      } catch {
        throw new ProblemError(400, 'Invalid path parameter', `${name}: malformed percent-encoding`);
      }
    });
    return { route: hit.c.route, params };
  }

  return async (event) => {
    const started = performance.now();
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath.replace(/\/+$/, '') || '/';
    const requestId = event.requestContext.requestId || randomUUID();
    let routeId = 'unmatched';
    let auth: Authentication | undefined;
    let response: APIGatewayProxyStructuredResultV2;
    try {
      const { route, params } = match(method, path);
      routeId = route.id;
      if (!route.public) {
        auth = await deps.authenticate(event);
        authorise(auth, route);
      }
      const input = parseInput(route, params, event);
      const principal = auth?.kind === 'principal' ? auth.principal : undefined;
      const result = await route.handle({ ...input, principal, requestId }, deps);
      response = result.file
        ? download(result.status, result.file, result.headers)
        : json(result.status, result.body, result.headers);
    } catch (error) {
      response = answerError(error, method, path);
    }
    if (UNLOGGED_ROUTES.has(routeId)) return response;
    // A probe of a path the API does not serve is answered 404 whoever asks, but recorded with who asked.
    if (routeId === 'unmatched') auth = await deps.authenticate(event).catch(() => undefined);
    try {
      await deps.accessLog.record({
        id: requestId,
        at: new Date(deps.now().getTime()).toISOString(),
        ...(auth?.kind === 'principal' && { principal: auth.principal }),
        ...(auth?.kind === 'no-role' && { caller: auth.caller }),
        method,
        route: routeId,
        path: path.slice(0, 1024),
        query: loggedQuery(event.queryStringParameters),
        status: response.statusCode ?? 200,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        ...(event.requestContext.http.sourceIp && { sourceIp: event.requestContext.http.sourceIp }),
      });
    } catch (error) {
      logger.error('access log write failed: the call is not answered', {
        route: routeId,
        error: error as Error,
      });
      return problemResponse(
        new ProblemError(503, 'Access log unavailable', 'the call could not be recorded; try again later'),
      );
    }
    return response;
  };
}

function authorise(auth: Authentication, route: ApiRoute): void {
  if (auth.kind === 'unauthenticated') {
    throw new ProblemError(401, 'Unauthorized', auth.detail, undefined, {
      'www-authenticate': auth.challenge ?? 'Bearer',
    });
  }
  if (auth.kind === 'no-role') throw new ProblemError(403, 'Forbidden', auth.detail);
  const roles = rolesOf(auth.principal);
  if (!mayCall(roles, route.id)) {
    const who = roles.length > 1 ? `roles ${roles.join(', ')}` : `role ${auth.principal.role}`;
    throw new ProblemError(403, 'Forbidden', `${who} may not call ${route.id}`);
  }
}

function parseInput(
  route: ApiRoute,
  rawParams: Record<string, string>,
  event: APIGatewayProxyEventV2,
): { params: unknown; query: unknown; body: unknown; headers: unknown } {
  let params: unknown = rawParams;
  if (route.params) {
    const parsed = route.params.safeParse(rawParams);
    if (!parsed.success) {
      throw new ProblemError(400, 'Invalid path parameter', undefined, describeIssues(parsed.error.issues));
    }
    params = parsed.data;
  }
  let query: unknown = {};
  const rawQuery = event.queryStringParameters ?? {};
  if (route.query) {
    const parsed = route.query.safeParse(rawQuery);
    if (!parsed.success)
      throw new ProblemError(400, 'Invalid query', undefined, describeIssues(parsed.error.issues));
    query = parsed.data;
  } else if (!route.public && Object.keys(rawQuery).length > 0) {
    throw new ProblemError(400, 'Invalid query', `${route.id} takes no query parameters`);
  }
  let body: unknown;
  if (route.body) {
    const parsed = route.body.safeParse(readJsonBody(event));
    if (!parsed.success) {
      throw new ProblemError(400, 'Invalid request body', undefined, describeIssues(parsed.error.issues));
    }
    body = parsed.data;
  }
  let headers: unknown;
  if (route.headers) {
    const raw = Object.fromEntries(
      Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
    );
    const parsed = route.headers.safeParse(raw);
    if (!parsed.success)
      throw new ProblemError(400, 'Invalid header', undefined, describeIssues(parsed.error.issues));
    headers = parsed.data;
  }
  return { params, query, body, headers };
}

function readJsonBody(event: APIGatewayProxyEventV2): unknown {
  const contentType = (event.headers?.['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (contentType !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(contentType)) {
    throw new ProblemError(415, 'Unsupported media type', 'send the body as application/json');
  }
  const text =
    event.body === undefined
      ? ''
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  if (Buffer.byteLength(text) > MAX_REQUEST_BODY_BYTES) {
    throw new ProblemError(413, 'Payload too large', `body exceeds ${MAX_REQUEST_BODY_BYTES} bytes`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProblemError(400, 'Malformed JSON', (error as Error).message);
  }
}

function answerError(error: unknown, method: string, path: string): APIGatewayProxyStructuredResultV2 {
  if (error instanceof ProblemError) return problemResponse(error);
  // Stores reject cursors they did not issue and out-of-range values with RangeError: the caller's input.
  if (error instanceof InvalidCursorError)
    return problemResponse(new ProblemError(400, 'Invalid query', error.message));
  if (error instanceof RangeError)
    return problemResponse(new ProblemError(400, 'Bad request', error.message));
  logger.error('API route failed', { method, path, error: error as Error });
  return problemResponse(
    new ProblemError(500, 'Internal error', 'the error is logged; the request id identifies it'),
  );
}

function loggedQuery(query: APIGatewayProxyEventV2['queryStringParameters']): Record<string, string> {
  const entries = Object.entries(query ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
  return Object.fromEntries(
    entries
      .slice(0, MAX_LOGGED_PARAMS)
      .map(([k, v]) => [
        k.slice(0, MAX_LOGGED_VALUE_LENGTH),
        CREDENTIAL_PARAM.test(k) ? '[redacted]' : v.slice(0, MAX_LOGGED_VALUE_LENGTH),
      ]),
  );
}

const COMMON_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...COMMON_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

function download(
  status: number,
  file: NonNullable<RouteResult['file']>,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: {
      'content-type': file.contentType,
      'content-length': String(file.bytes.length),
      'content-disposition': `attachment; filename="${file.fileName.replace(/["\\\r\n]/g, '_')}"`,
      ...COMMON_HEADERS,
      'cache-control': 'private, no-store',
      ...headers,
    },
    body: Buffer.from(file.bytes).toString('base64'),
    isBase64Encoded: true,
  };
}

function problemResponse(error: ProblemError): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: error.problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...COMMON_HEADERS, ...error.headers },
    body: JSON.stringify(error.problem),
  };
}
