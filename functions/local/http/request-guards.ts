/**
 * What a browser could be tricked into sending to the local server. A page on another site can post to
 * `http://127.0.0.1:8787/events` (CSRF) or resolve its own name to 127.0.0.1 (DNS rebinding), so:
 *
 * - on a loopback address the `Host` header must name loopback and the port the server is bound to;
 * - a request carrying an `Origin` (or `Sec-Fetch-Site: cross-site`) must come from this server's origin;
 * - `POST /events` takes JSON only (`text/plain` is what a cross-site form can send without a preflight).
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { ProblemError } from '../../api/problem.ts';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const ip = address.replace(/^::ffff:/, '');
  return ip === '::1' || (isIP(ip) === 4 && ip.startsWith('127.'));
}

/** Refuses a request whose Host or Origin is not this server's. */
export function checkRequestOrigin(req: IncomingMessage): void {
  const host = req.headers.host;
  if (isLoopbackAddress(req.socket.localAddress)) {
    const parsed = host === undefined ? undefined : parseHost(host);
    const port = req.socket.localPort;
    if (!parsed || !LOOPBACK_NAMES.has(parsed.name) || (parsed.port ?? 80) !== port) {
      throw new ProblemError(
        421,
        'Misdirected request',
        `the Host header must name this server: localhost:${port}, 127.0.0.1:${port} or [::1]:${port}`,
      );
    }
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host ?? ''}`.toLowerCase()) {
    throw new ProblemError(403, 'Forbidden', 'cross-origin requests are refused');
  }
  if (req.headers['sec-fetch-site'] === 'cross-site') {
    throw new ProblemError(403, 'Forbidden', 'cross-origin requests are refused');
  }
}

/** `POST /events` bodies: JSON, as the CLI, curl -H or an AWS SDK (`application/x-amz-json-1.1`) send them. */
export function requireJsonBody(req: IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== 'application/json' && !/^application\/(x-amz-json-1\.[01]|[\w.+-]+\+json)$/.test(type)) {
    throw new ProblemError(415, 'Unsupported media type', 'send the body as application/json');
  }
}

function parseHost(host: string): { name: string; port?: number } | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(host.trim());
  if (!match?.[1]) return undefined;
  return { name: match[1].toLowerCase(), ...(match[2] !== undefined && { port: Number(match[2]) }) };
}
