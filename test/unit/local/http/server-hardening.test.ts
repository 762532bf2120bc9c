/**
 * The local server under hostile input: malformed paths and headers on every route never end the process
 * (GET /health still answers), cross-site and DNS-rebinding requests are refused with problem+json, and
 * report downloads are recorded in the access log without their token.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../../../functions/api/api-routes.ts';
import type { Authenticator } from '../../../../functions/api/auth/authentication.ts';
import { createLocalServer } from '../../../../functions/local/http/server.ts';
import { type LocalRuntime, openLocalRuntimeAt } from '../../../../functions/local/runtime.ts';

const authenticate: Authenticator = async (event) =>
  event.headers?.authorization === 'Bearer auditor'
    ? { kind: 'principal', principal: { id: 'alice', role: 'auditor', via: 'token' } }
    : { kind: 'unauthenticated', detail: 'no token' };

const dataDir = mkdtempSync(join(tmpdir(), 'verdict-hardening-'));
let runtime: LocalRuntime;
let port: number;
let close: () => Promise<void>;

beforeAll(async () => {
  runtime = openLocalRuntimeAt(dataDir, { publicUrl: () => `http://127.0.0.1:${port}` });
  const server = createLocalServer(runtime, { authenticate });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await runtime.close();
  };
});

afterAll(() => close());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with exactly these headers (fetch would set Host and Origin itself). */
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Raw bytes on a socket, for request lines and headers an HTTP client refuses to build. */
function sendRaw(bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    socket.setTimeout(2000, () => socket.destroy());
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('close', () => resolve(text));
    socket.on('error', () => resolve(text));
  });
}

const health = async () => (await send('GET', '/health', {})).status;

const MALFORMED_SEGMENTS = ['%', '%zz', '%E0%A4%A', '%00', '%C0%AF', '..%2F..%2Fetc', 'a'.repeat(5000)];

describe('no request ends the local server', () => {
  it('answers malformed paths on every route with a 4xx problem, and /health still answers', async () => {
    const paths = new Set<string>(['/events', '/reports/%/download', '/reports/%zz/download?token=%']);
    for (const route of API_ROUTES) {
      for (const segment of MALFORMED_SEGMENTS) {
        const withParams = route.path.replace(/\{\w+\}/g, segment);
        paths.add(withParams === route.path ? `${route.path}/${segment}` : withParams);
        paths.add(`${route.path}?${segment}=${segment}&cursor=${segment}&limit=%`);
      }
    }
    for (const path of paths) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const answer = await send(method, path, { authorization: 'Bearer auditor' });
        expect(answer.status, `${method} ${path}`).toBeLessThan(500);
        if (answer.status >= 400) {
          expect(answer.headers['content-type'], `${method} ${path}`).toBe('application/problem+json');
        }
      }
    }
    expect(await health()).toBe(200);
  }, 60_000);

  it('answers the reported crash, GET /reports/%/download unauthenticated, with 400', async () => {
    const answer = await send('GET', '/reports/%/download', {});
    expect(answer.status).toBe(400);
    // Downloads are an API route: the router's answer to a malformed path parameter, as on every route.
    expect(JSON.parse(answer.body)).toMatchObject({
      title: 'Invalid path parameter',
      detail: 'id: malformed percent-encoding',
    });
    expect(await health()).toBe(200);
  });

  it('survives malformed headers and request lines', { timeout: 30_000 }, async () => {
    const headerCases: Record<string, string>[] = [
      { authorization: 'Bearer %%%' },
      { authorization: `Bearer ${'a.'.repeat(4000)}` },
      { 'content-type': ';;;' },
      { 'content-type': 'application/json; charset=%' },
      { cookie: '%' },
    ];
    for (const headers of headerCases) {
      for (const path of ['/events', '/decisions', '/reports/x/download', '/reports']) {
        const answer = await send('POST', path, headers, '{');
        expect(answer.status, `${path} ${JSON.stringify(headers)}`).toBeGreaterThanOrEqual(400);
        expect(answer.status, `${path} ${JSON.stringify(headers)}`).toBeLessThan(500);
      }
    }
    const raw = [
      'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n',
      'GET //evil.example/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
      'GET http://evil.example/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
      'OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
      'GET /\x00 HTTP/1.1\r\n\r\n',
      'POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n',
      'POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      `GET /${'%'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
      '\r\n\r\n\r\n',
    ];
    for (const bytes of raw) {
      const answer = await sendRaw(bytes.replaceAll('Host: 127.0.0.1', `Host: 127.0.0.1:${port}`));
      expect(answer, JSON.stringify(bytes.slice(0, 60))).not.toMatch(/^HTTP\/1\.1 5/);
    }
    expect(await health()).toBe(200);
  });
});

const EVENTS = JSON.stringify({
  Entries: [{ Source: 'custom.app', DetailType: 'Nothing routed', Detail: '{}' }],
});

describe('POST /events refuses what a browser on another site could send', () => {
  it('refuses a foreign Host (DNS rebinding) with 421', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1:1', `127.0.0.2:${port}`]) {
      const answer = await send('POST', '/events', { host, 'content-type': 'application/json' }, EVENTS);
      expect(answer.status, host).toBe(421);
      expect(answer.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(answer.body)).toEqual({
        type: 'https://verdict.dev/problems/misdirected-request',
        title: 'Misdirected request',
        status: 421,
        detail: `the Host header must name this server: localhost:${port}, 127.0.0.1:${port} or [::1]:${port}`,
      });
    }
  });

  it('refuses a foreign Origin and cross-site fetches with 403', async () => {
    const crossSite: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: `https://127.0.0.1:${port}` },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of crossSite) {
      const answer = await send(
        'POST',
        '/events',
        { 'content-type': 'application/json', ...headers },
        EVENTS,
      );
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(answer.body)).toEqual({
        type: 'https://verdict.dev/problems/forbidden',
        title: 'Forbidden',
        status: 403,
        detail: 'cross-origin requests are refused',
      });
    }
  });

  it('takes JSON only: text/plain (a form post) is 415', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const answer = await send('POST', '/events', { 'content-type': type }, EVENTS);
      expect(answer.status, type).toBe(415);
      expect(JSON.parse(answer.body)).toEqual({
        type: 'https://verdict.dev/problems/unsupported-media-type',
        title: 'Unsupported media type',
        status: 415,
        detail: 'send the body as application/json',
      });
    }
    const missing = await send('POST', '/events', {}, EVENTS);
    expect(missing.status).toBe(415);
  });

  it('accepts its own origin, every loopback name and the AWS SDK content type', async () => {
    const sameSite: Record<string, string>[] = [
      { 'content-type': 'application/json', origin: `http://127.0.0.1:${port}` },
      { 'content-type': 'application/json', host: `localhost:${port}` },
      { 'content-type': 'application/x-amz-json-1.1', host: `[::1]:${port}` },
    ];
    for (const headers of sameSite) {
      const answer = await send('POST', '/events', headers, EVENTS);
      expect(answer.status, JSON.stringify(headers)).toBe(200);
    }
  });
});

describe('report downloads', () => {
  it('are recorded in the access log, and no log holds the download token', async () => {
    const started = await runtime.reports?.start(
      { type: 'period-summary', format: 'html' },
      { id: 'alice', role: 'auditor', via: 'token' },
    );
    if (!started) throw new Error('no report started');
    await runtime.bus.idle();
    const link = new URL((await runtime.reports?.downloadUrl(started.id, 60)) ?? '');
    const token = link.searchParams.get('token') ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const ok = await send('GET', `${link.pathname}${link.search}`, {});
    expect(ok.status).toBe(200);
    const forged = await send('GET', `${link.pathname}?expires=1&token=${'A'.repeat(43)}`, {});
    expect(forged.status).toBe(403);
    // The same link sent with another method is logged with the token redacted too.
    const misrouted = await send('POST', `${link.pathname}${link.search}`, {});
    expect(misrouted.status).toBe(405);

    const { records } = await runtime.accessLog.list({ limit: 1000 });
    const downloads = records.filter((r) => r.route === 'reports.download' && r.path === link.pathname);
    expect(downloads.map((r) => [r.method, r.path, r.status, r.query])).toEqual([
      ['GET', link.pathname, 200, { expires: link.searchParams.get('expires'), token: '[redacted]' }],
      ['GET', link.pathname, 403, { expires: '1', token: '[redacted]' }],
    ]);
    expect(records.find((r) => r.method === 'POST' && r.path === link.pathname)?.query).toEqual({
      expires: link.searchParams.get('expires'),
      token: '[redacted]',
    });

    // Every file of the data directory (the SQLite log, its WAL, the ledger, the report jobs) is token-free.
    for (const file of filesUnder(dataDir)) {
      expect(readFileSync(file).includes(token), file).toBe(false);
    }
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
