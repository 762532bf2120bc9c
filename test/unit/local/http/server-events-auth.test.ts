import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Authenticator } from '../../../../functions/api/auth/authentication.ts';
import { createLocalServer } from '../../../../functions/local/http/server.ts';
import { openLocalRuntime } from '../../../../functions/local/runtime.ts';

/** Bearer `admin` or `auditor` is that role; anything else is unauthenticated. */
const authenticate: Authenticator = async (event) => {
  const role = event.headers?.authorization?.replace(/^Bearer /, '');
  return role === 'admin' || role === 'auditor'
    ? { kind: 'principal', principal: { id: role, role, via: 'token' } }
    : { kind: 'unauthenticated', detail: 'no token' };
};

const body = JSON.stringify({
  Entries: [{ Source: 'custom.app', DetailType: 'Nothing routed', Detail: '{}' }],
});

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function serve(eventsRequireAdmin: boolean): Promise<string> {
  const runtime = openLocalRuntime({
    database: ':memory:',
    objectsDir: join(mkdtempSync(join(tmpdir(), 'verdict-server-')), 'objects'),
  });
  const server = createLocalServer(runtime, { authenticate, eventsRequireAdmin });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    await new Promise((resolve) => server.close(resolve));
    await runtime.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
}

const post = (url: string, token?: string) =>
  fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });

describe('POST /events on the local server', () => {
  it('is open on loopback, like a local EventBridge', async () => {
    const url = await serve(false);
    const response = await post(url);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ FailedEntryCount: 0 });
  });

  it('takes an admin token when served beyond loopback', async () => {
    const url = await serve(true);
    const anonymous = await post(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    const auditor = await post(url, 'auditor');
    expect(auditor.status).toBe(403);
    expect(await auditor.json()).toMatchObject({ detail: 'POST /events takes an admin token off loopback' });
    expect((await post(url, 'admin')).status).toBe(200);
  });
});
