/**
 * The local backbone's HTTP face: `POST /events` takes the body of an EventBridge PutEvents call and routes
 * it through the in-process bus; `GET /decisions` lists what the gates decided.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { MAX_PAGE_SIZE } from '../../ports/decision-store.ts';
import { describeIssues } from '../../shared/validation.ts';
import type { LocalRuntime } from '../runtime.ts';
import { ProblemError, problem } from './problem.ts';
import { putEventsBodySchema } from './put-events-body.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

export function createLocalServer(runtime: LocalRuntime): Server {
  return createServer((req, res) => {
    route(runtime, req)
      .then(({ status, body }) => send(res, status, body))
      .catch((error: unknown) => {
        // A body left partly unread (too large) would be parsed as the next request: close the connection.
        if (!req.complete) res.setHeader('connection', 'close');
        if (error instanceof ProblemError) return send(res, error.problem.status, error.problem);
        send(res, 500, problem(500, 'Internal error', (error as Error).message));
      });
  });
}

async function route(
  runtime: LocalRuntime,
  req: IncomingMessage,
): Promise<{ status: number; body: unknown }> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path === '/health' && req.method === 'GET') return { status: 200, body: { status: 'ok' } };
  if (path === '/events') {
    if (req.method !== 'POST') throw new ProblemError(405, 'Method not allowed', 'use POST /events');
    const body = putEventsBodySchema.safeParse(await readJson(req));
    if (!body.success) {
      throw new ProblemError(400, 'Invalid PutEvents request', undefined, describeIssues(body.error.issues));
    }
    try {
      return { status: 200, body: await runtime.bus.putEvents(body.data) };
    } catch (error) {
      throw new ProblemError(400, 'Invalid PutEvents request', (error as Error).message);
    }
  }
  if (path === '/decisions' && req.method === 'GET') {
    const limit = url.searchParams.get('limit');
    if (limit !== null && !/^\d{1,4}$/.test(limit))
      throw new ProblemError(400, 'Invalid query', `limit: expected an integer from 1 to ${MAX_PAGE_SIZE}`);
    const cursor = url.searchParams.get('cursor') ?? undefined;
    try {
      return {
        status: 200,
        body: await runtime.decisions.list({ limit: limit ? Number(limit) : 50, cursor }),
      };
    } catch (error) {
      throw new ProblemError(400, 'Invalid query', (error as Error).message);
    }
  }
  const one = /^\/decisions\/([A-Za-z0-9-]{1,64})$/.exec(path);
  if (one?.[1] && req.method === 'GET') {
    const decision = await runtime.decisions.get(one[1]);
    if (!decision) throw new ProblemError(404, 'Not found', `no decision ${one[1]}`);
    return { status: 200, body: decision };
  }
  if (path === '/rejections' && req.method === 'GET') {
    return { status: 200, body: { rejections: await runtime.decisions.listRejections({ limit: 100 }) } };
  }
  throw new ProblemError(404, 'Not found', `${req.method} ${path}`);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new ProblemError(413, 'Payload too large', `body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new ProblemError(400, 'Malformed JSON', (error as Error).message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const isError = status >= 400;
  res.writeHead(status, { 'content-type': isError ? 'application/problem+json' : 'application/json' });
  res.end(JSON.stringify(body));
}
