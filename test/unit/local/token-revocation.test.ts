/**
 * Bearer tokens for the local server: `verdict token revoke` takes effect on the next call of a running
 * server, and a token issued in the future (beyond the clock leeway) is refused.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateTokenSigningKey } from '../../../functions/adapters/local/token-key-file.ts';
import {
  bearerTokenAuthenticator,
  issueToken,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  tokenId,
} from '../../../functions/api/auth/bearer-tokens.ts';
import { createLocalServer } from '../../../functions/local/http/server.ts';
import { openLocalRuntimeAt } from '../../../functions/local/runtime.ts';
import { runCli } from '../../support/cli.ts';

const keys = generateKeyPairSync('ed25519');
const withToken = (token: string) =>
  ({ headers: { authorization: `Bearer ${token}` } }) as unknown as APIGatewayProxyEventV2;

describe('bearer token checks', () => {
  it('refuses a token whose iat is in the future, beyond the 5 s leeway', async () => {
    const authenticate = bearerTokenAuthenticator(keys.publicKey);
    const sign = (iat: number) =>
      new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setSubject('mallory')
        .setJti('00000000-0000-4000-8000-000000000001')
        .setIssuedAt(iat)
        .setExpirationTime(iat + 3600)
        .sign(keys.privateKey);
    const now = Math.floor(Date.now() / 1000);
    expect(await authenticate(withToken(await sign(now + 3600)))).toEqual({
      kind: 'unauthenticated',
      detail: 'token issued in the future',
      challenge: 'Bearer realm="verdict"',
    });
    expect(await authenticate(withToken(await sign(now + 2)))).toMatchObject({ kind: 'principal' });
  });

  it('asks about revocation on every call', async () => {
    const revoked = new Set<string>();
    const authenticate = bearerTokenAuthenticator(keys.publicKey, { isRevoked: (jti) => revoked.has(jti) });
    const issued = await issueToken(keys.privateKey, { role: 'auditor', subject: 'alice', ttlSeconds: 60 });
    expect(await authenticate(withToken(issued.token))).toMatchObject({ kind: 'principal' });
    revoked.add(issued.jti);
    expect(await authenticate(withToken(issued.token))).toEqual({
      kind: 'unauthenticated',
      detail: 'token revoked',
      challenge: 'Bearer realm="verdict"',
    });
  });

  it('names a token by its id or by the token itself, and only tokens of this key', async () => {
    const issued = await issueToken(keys.privateKey, { role: 'auditor', subject: 'alice', ttlSeconds: 60 });
    expect(await tokenId(issued.jti, keys.publicKey)).toBe(issued.jti);
    expect(await tokenId(issued.token, keys.publicKey)).toBe(issued.jti);
    const other = generateKeyPairSync('ed25519');
    const foreign = await issueToken(other.privateKey, { role: 'admin', subject: 'x', ttlSeconds: 60 });
    await expect(tokenId(foreign.token, keys.publicKey)).rejects.toThrow(
      "expected a token id (a UUID) or a token signed by this data directory's key",
    );
  });
});

describe('verdict token revoke', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'verdict-revoke-'));
  const runtime = openLocalRuntimeAt(dataDir);
  const server = createLocalServer(runtime);
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await runtime.close();
  });

  it('refuses the token from the next call of a running server on', async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const key = loadOrCreateTokenSigningKey(dataDir);
    const alice = await issueToken(key.privateKey, { role: 'auditor', subject: 'alice', ttlSeconds: 600 });
    const bob = await issueToken(key.privateKey, { role: 'auditor', subject: 'bob', ttlSeconds: 600 });
    const call = (token: string) =>
      fetch(`${base}/decisions`, { headers: { authorization: `Bearer ${token}` } });
    expect((await call(alice.token)).status).toBe(200);

    const byToken = await runCli(['token', 'revoke', '-', '--data-dir', dataDir], {
      input: `${alice.token}\n`,
    });
    expect(byToken).toEqual({ code: 0, stdout: '', stderr: `verdict: token ${alice.jti} revoked\n` });
    const refused = await call(alice.token);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ title: 'Unauthorized', detail: 'token revoked' });
    expect((await call(bob.token)).status).toBe(200);

    const again = await runCli(['token', 'revoke', alice.jti, '--data-dir', dataDir]);
    expect(again).toEqual({
      code: 0,
      stdout: '',
      stderr: `verdict: token ${alice.jti} was already revoked\n`,
    });
    const junk = await runCli(['token', 'revoke', 'not-a-token', '--data-dir', dataDir]);
    expect(junk.code).toBe(2);
    expect(junk.stderr).toBe(
      "verdict: expected a token id (a UUID) or a token signed by this data directory's key\n",
    );
  }, 60_000);
});
