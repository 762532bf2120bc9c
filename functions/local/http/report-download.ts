/**
 * Report download links on the local server (`GET /reports/{id}/download?expires=&token=`), the local
 * stand-in for an S3 presigned URL: the link's own signature authorises it. Every download is recorded in
 * the access log before it is answered, like an API call, and the link's token is never recorded.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { LocalReportService } from '../../adapters/local/local-report-service.ts';
import type { AccessLog } from '../../ports/access-log.ts';

export const REPORT_DOWNLOAD_ROUTE = 'reports.download';
const DOWNLOAD_PATH = /^\/reports\/([^/]+)\/download$/;
const TITLES: Record<number, string> = {
  400: 'Bad request',
  403: 'Forbidden',
  404: 'Not found',
  410: 'Gone',
};

export function isReportDownload(url: URL): boolean {
  return DOWNLOAD_PATH.test(url.pathname);
}

/**
 * Answers a download link: the file, or a problem+json 400/403/404/410; 503 when the download cannot be
 * recorded in the access log. Resolves once the answer is sent.
 */
export async function serveReportDownload(
  service: LocalReportService,
  accessLog: AccessLog,
  req: IncomingMessage,
  url: URL,
  res: ServerResponse,
): Promise<void> {
  const started = performance.now();
  const encodedId = DOWNLOAD_PATH.exec(url.pathname)?.[1] ?? '';
  const id = decodeOrUndefined(encodedId);
  const check =
    id === undefined
      ? ({ ok: false, status: 400, detail: 'the report id is not valid percent-encoding' } as const)
      : service.checkDownload(id, url.searchParams);
  const status = check.ok ? 200 : check.status;
  try {
    await accessLog.record({
      id: randomUUID(),
      at: new Date().toISOString(),
      method: req.method ?? 'GET',
      route: REPORT_DOWNLOAD_ROUTE,
      path: url.pathname.slice(0, 1024),
      // The token is the link's credential: only the expiry is recorded.
      query: Object.fromEntries(
        [...url.searchParams].filter(([name]) => name === 'expires').map(([k, v]) => [k, v.slice(0, 32)]),
      ),
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...(req.socket.remoteAddress && { sourceIp: req.socket.remoteAddress }),
    });
  } catch {
    return sendProblem(
      res,
      503,
      'Access log unavailable',
      'the download could not be recorded; try again later',
    );
  }
  if (!check.ok) return sendProblem(res, check.status, TITLES[check.status] ?? 'Error', check.detail);
  res.writeHead(200, {
    'content-type': check.contentType,
    'content-length': String(check.size),
    'content-disposition': `attachment; filename="${check.fileName}"`,
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
  });
  // A read failure or a client going away ends this response only.
  await pipeline(createReadStream(check.path), res).catch(() => res.destroy());
}

function decodeOrUndefined(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function sendProblem(res: ServerResponse, status: number, title: string, detail: string): void {
  res.writeHead(status, {
    'content-type': 'application/problem+json',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}
