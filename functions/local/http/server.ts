/**
 * The local backbone's HTTP face. `POST /events` takes the body of an EventBridge PutEvents call and routes
 * it through the in-process bus (the local stand-in for EventBridge). Every other request is the auditor
 * API: converted to an API Gateway HTTP API (payload 2.0) event and answered by the same handler as in
 * Lambda, with the local adapters and bearer tokens signed by the data directory's key, and with the
 * routes only a local deployment has (report download links, which S3 serves in AWS).
 */

import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { PutEventsValidationError } from '../../adapters/local/in-process-event-bus.ts';
import { loadOrCreateTokenSigningKey } from '../../adapters/local/token-key-file.ts';
import { LOCAL_API_ROUTES } from '../../api/api-routes.ts';
import type { Authenticator } from '../../api/auth/authentication.ts';
import { bearerTokenAuthenticator } from '../../api/auth/bearer-tokens.ts';
import { createApiHandler } from '../../api/create-handler.ts';
import { PROBLEM_CONTENT_TYPE, ProblemError } from '../../api/problem.ts';
import type { ApiDependencies } from '../../api/route.ts';
import { sealedLedgerExportService, sealedReportService } from '../../api/sealed-personal-data.ts';
import { bundleRuleCatalogue } from '../../gates/exceptions/bundle-rule-catalogue.ts';
import { modelChecks } from '../../gates/exceptions/known-models.ts';
import { logger } from '../../shared/observability.ts';
import { describeIssues } from '../../shared/validation.ts';
import { localLambdaContext } from '../lambda-context.ts';
import type { LocalRuntime } from '../runtime.ts';
import { putEventsBodySchema } from './put-events-body.ts';
import { checkRequestOrigin, requireJsonBody } from './request-guards.ts';

const MAX_BODY_BYTES = 1024 * 1024;
/** API Gateway's integration timeout for HTTP APIs. */
const API_TIMEOUT_SECONDS = 29;

export interface LocalServerOptions {
  /** Verifies bearer tokens; default the public half of `<dataDir>/api/token-signing.key`. */
  tokenPublicKey?: KeyObject;
  /** Replaces bearer-token authentication altogether (tests, benchmarks). */
  authenticate?: Authenticator;
  /**
   * `POST /events` stands in for EventBridge, which AWS authorises with IAM. On loopback it is open, like a
   * local emulator; on any other interface it takes an admin bearer token.
   */
  eventsRequireAdmin?: boolean;
}

/** The API's dependencies over a local runtime. */
export function localApiDependencies(runtime: LocalRuntime, authenticate: Authenticator): ApiDependencies {
  return {
    decisions: runtime.decisions,
    exceptions: runtime.exceptions,
    models: runtime.registry,
    accessLog: runtime.accessLog,
    authenticate,
    ...(runtime.ledger && { ledger: runtime.ledger }),
    ...(runtime.reports && { reports: sealedReportService(runtime.reports, runtime.personal) }),
    ...(runtime.ledgerExports && {
      ledgerExports: sealedLedgerExportService(runtime.ledgerExports, runtime.personal),
    }),
    personal: runtime.personal,
    deployments: runtime.deployments,
    // The in-process bus runs the deployment orchestration before publish returns.
    events: { publish: (event) => runtime.bus.publish(event) },
    grants: {
      sealer: runtime.personal,
      admission: async () => ({
        rules: await bundleRuleCatalogue(),
        ...modelChecks({ catalog: runtime.registry, decisions: runtime.decisions }),
      }),
    },
    now: () => new Date(),
  };
}

export function createLocalServer(runtime: LocalRuntime, options: LocalServerOptions = {}): Server {
  const authenticate =
    options.authenticate ??
    bearerTokenAuthenticator(publicKeyFor(runtime, options), {
      isRevoked: (jti) => runtime.tokenRevocations.isRevoked(jti),
    });
  const api = createApiHandler(localApiDependencies(runtime, authenticate), LOCAL_API_ROUTES);
  const server = createServer((req, res) => {
    handle(runtime, api, req, res, options.eventsRequireAdmin ? authenticate : undefined).catch(() => {
      // Nothing a request sends may end the process: a failure past the problem answer closes this response.
      if (!res.headersSent) send(res, problemResult(new ProblemError(500, 'Internal error')));
      else res.destroy();
    });
  });
  // A request Node cannot parse (bad header, bad request line) is answered 400 and its socket closed.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

async function handle(
  runtime: LocalRuntime,
  api: ReturnType<typeof createApiHandler>,
  req: IncomingMessage,
  res: ServerResponse,
  eventsAuthenticator: Authenticator | undefined,
): Promise<void> {
  try {
    checkRequestOrigin(req);
    const url = requestUrl(req);
    send(res, await route(runtime, api, req, url, eventsAuthenticator));
  } catch (error) {
    // A body left partly unread (too large) would be parsed as the next request: close the connection.
    if (!req.complete) res.setHeader('connection', 'close');
    const failure =
      error instanceof ProblemError
        ? error
        : new ProblemError(500, 'Internal error', 'the request could not be answered');
    send(res, problemResult(failure));
  }
}

/** The request target as a URL; a target that is not a path (`//host`, `*`, an absolute URL) is refused. */
function requestUrl(req: IncomingMessage): URL {
  const target = req.url ?? '/';
  if (!target.startsWith('/') || target.startsWith('//')) {
    throw new ProblemError(400, 'Bad request', 'the request target must be a path');
  }
  try {
    return new URL(target, 'http://localhost');
  } catch {
    throw new ProblemError(400, 'Bad request', 'the request target is not a valid path');
  }
}

function publicKeyFor(runtime: LocalRuntime, options: LocalServerOptions): KeyObject {
  if (options.tokenPublicKey) return options.tokenPublicKey;
  if (!runtime.dataDir)
    throw new Error('createLocalServer: a runtime without a data dir needs tokenPublicKey');
  return loadOrCreateTokenSigningKey(runtime.dataDir).publicKey;
}

async function route(
  runtime: LocalRuntime,
  api: ReturnType<typeof createApiHandler>,
  req: IncomingMessage,
  url: URL,
  eventsAuthenticator: Authenticator | undefined,
): Promise<APIGatewayProxyStructuredResultV2> {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path === '/events') {
    if (eventsAuthenticator) await requireAdmin(eventsAuthenticator, req);
    return putEvents(runtime, req);
  }
  const event = await toApiGatewayEvent(req, url);
  return api(event, localLambdaContext('auditor-api', API_TIMEOUT_SECONDS));
}

async function requireAdmin(authenticate: Authenticator, req: IncomingMessage): Promise<void> {
  const headers = Object.fromEntries(
    Object.entries(req.headers).flatMap(([name, value]) =>
      typeof value === 'string' ? [[name, value]] : [],
    ),
  );
  const auth = await authenticate({ headers } as unknown as APIGatewayProxyEventV2);
  if (auth.kind === 'unauthenticated') throw new ProblemError(401, 'Unauthorized', auth.detail);
  if (auth.kind === 'no-role' || auth.principal.role !== 'admin') {
    throw new ProblemError(403, 'Forbidden', 'POST /events takes an admin token off loopback');
  }
}

async function putEvents(
  runtime: LocalRuntime,
  req: IncomingMessage,
): Promise<APIGatewayProxyStructuredResultV2> {
  if (req.method !== 'POST') throw new ProblemError(405, 'Method not allowed', 'use POST /events');
  requireJsonBody(req);
  let json: unknown;
  try {
    json = JSON.parse(await readBody(req));
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    throw new ProblemError(400, 'Malformed JSON', (error as Error).message);
  }
  const body = putEventsBodySchema.safeParse(json);
  if (!body.success) {
    throw new ProblemError(400, 'Invalid PutEvents request', undefined, describeIssues(body.error.issues));
  }
  let accepted: Awaited<ReturnType<LocalRuntime['bus']['accept']>>;
  try {
    accepted = await runtime.bus.accept(body.data);
  } catch (error) {
    if (error instanceof PutEventsValidationError) {
      throw new ProblemError(400, 'Invalid PutEvents request', error.message);
    }
    // Nothing durable came of the event (a full disk, a read-only data directory): say so, never 200.
    logger.error('event not processed and not kept as a dead letter', { error: error as Error });
    throw notRecorded(
      'the event could not be processed or kept as a dead letter; nothing is acknowledged: retry later',
    );
  }
  const failed = accepted.deliveries.flatMap((d) => (d.ok ? [] : [d]));
  if (failed.length > 0) {
    throw notRecorded(
      'a target could not process the event; it is kept as a dead letter (verdict dlq list, verdict dlq redrive)',
      failed.map((d) => `${d.routeId}: dead letter ${d.deadLetterId ?? '-'}: ${d.error.slice(0, 200)}`),
    );
  }
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(accepted.response),
  };
}

/** 2xx means a decision or rejection is durable; anything less is 503, so the sender retries. */
function notRecorded(detail: string, errors?: string[]): ProblemError {
  return new ProblemError(503, 'Event not processed', detail, errors, { 'retry-after': '5' });
}

/** The request as API Gateway (HTTP API, payload 2.0) would hand it to Lambda. */
async function toApiGatewayEvent(req: IncomingMessage, url: URL): Promise<APIGatewayProxyEventV2> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const method = (req.method ?? 'GET').toUpperCase();
  const body = method === 'GET' || method === 'HEAD' ? '' : await readBody(req);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body !== '' && { body }),
    isBase64Encoded: false,
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new ProblemError(413, 'Payload too large', `body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function problemResult(error: ProblemError): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: error.problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...error.headers },
    body: JSON.stringify(error.problem),
  };
}

function send(res: ServerResponse, response: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name] = String(value);
  res.writeHead(response.statusCode ?? 200, headers);
  res.end(response.isBase64Encoded ? Buffer.from(response.body ?? '', 'base64') : (response.body ?? ''));
}
