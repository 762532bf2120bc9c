/** Every route for every role: 401 without (valid) credentials, 403 without the permission, 2xx with it. */
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../../functions/api/api-routes.ts';
import {
  issueToken,
  MAX_TOKEN_TTL_SECONDS,
  parseTtl,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
} from '../../../functions/api/auth/bearer-tokens.ts';
import { mayCall, PERMISSIONS, PUBLIC_ROUTES, ROLE_RANK } from '../../../functions/api/permissions.ts';
import { ROUTE_IDS, type RouteId } from '../../../functions/api/route-table.ts';
import { ROLES } from '../../../functions/contracts/principal.ts';
import { type ApiFixture, apiFixture, at, type CallOptions, decision } from '../../support/api-fixture.ts';
import { deploymentRecord } from '../../support/deployment-records.ts';
import { sagemakerRequest } from '../../support/deployment-requests.ts';

/** A request each route answers with success when the caller may call it. */
const REQUESTS: Record<RouteId, { method: string; path: string; options?: CallOptions; ok: number }> = {
  'health.get': { method: 'GET', path: '/health', ok: 200 },
  'openapi.get': { method: 'GET', path: '/openapi.json', ok: 200 },
  'decisions.list': { method: 'GET', path: '/decisions', options: { query: { limit: '1' } }, ok: 200 },
  'decisions.get': { method: 'GET', path: '/decisions/d-1', ok: 200 },
  'rejections.list': { method: 'GET', path: '/rejections', ok: 200 },
  'models.list': { method: 'GET', path: '/models', ok: 200 },
  'models.history': { method: 'GET', path: '/models/credit-scorer/history', ok: 200 },
  'exceptions.grant': {
    method: 'POST',
    path: '/exceptions',
    options: {
      body: JSON.stringify({
        rule: 'bias.disparate_impact',
        model: 'credit-scorer',
        reason: 'Retraining with reweighted data is scheduled',
        expiresAt: '2026-06-30T00:00:00Z',
      }),
    },
    ok: 200,
  },
  'exceptions.revoke': {
    method: 'POST',
    // One exception per role: each may revoke only once.
    path: '/exceptions/e-{role}/revocation',
    options: { body: JSON.stringify({ reason: 'the retraining landed early' }) },
    ok: 200,
  },
  'exceptions.list': {
    method: 'GET',
    path: '/exceptions',
    options: { query: { model: 'cv-ranker' } },
    ok: 200,
  },
  'deployments.list': { method: 'GET', path: '/deployments', options: { query: { limit: '1' } }, ok: 200 },
  'deployments.get': { method: 'GET', path: '/deployments/dep-1', ok: 200 },
  'deployments.request': {
    method: 'POST',
    path: '/deployments',
    options: { body: JSON.stringify(sagemakerRequest) },
    ok: 202,
  },
  // Nothing runs the orchestration here: the deployment stays promoted, each role may ask.
  'deployments.rollback': { method: 'POST', path: '/deployments/dep-1/rollback', ok: 202 },
  'ledger.checkpoint': { method: 'GET', path: '/ledger/checkpoint', ok: 200 },
  'ledger.inclusion': {
    method: 'GET',
    path: '/ledger/proofs/inclusion',
    options: { query: { index: '0' } },
    ok: 200,
  },
  'ledger.consistency': {
    method: 'GET',
    path: '/ledger/proofs/consistency',
    options: { query: { from: '0', to: '1' } },
    ok: 200,
  },
  'ledger-exports.start': {
    method: 'POST',
    path: '/ledger/exports',
    options: { body: '{}' },
    ok: 202,
  },
  'ledger-exports.get': { method: 'GET', path: '/ledger/exports/export-1', ok: 200 },
  'reports.start': {
    method: 'POST',
    path: '/reports',
    options: { body: JSON.stringify({ type: 'period-summary', format: 'csv' }) },
    ok: 202,
  },
  'reports.get': { method: 'GET', path: '/reports/report-1', ok: 200 },
  'access-log.list': { method: 'GET', path: '/access-log', ok: 200 },
};

let api: ApiFixture;
const tokens = {} as Record<(typeof ROLES)[number], string>;

beforeAll(async () => {
  api = apiFixture();
  await api.decisions.record(decision('d-1', at(1)));
  api.ledger.ids.push('decision/d-1', 'decision/d-2');
  api.ledger.checkpointSize = 2;
  await api.deployments.put(deploymentRecord('dep-1', { status: 'promoted' }), 0);
  await api.reports.start(
    { type: 'period-summary', format: 'csv' },
    { id: 'seed', role: 'admin', via: 'token' },
  );
  for (const role of ROLES) {
    tokens[role] = await api.token(role);
    await api.exceptions.grant({
      id: `e-${role}`,
      rule: 'bias.disparate_impact',
      subject: 'credit-scorer',
      reason: 'retraining is scheduled for next month',
      approver: 'head-of-model-risk',
      expiresAt: '2099-12-31T00:00:00Z',
      grantedAt: at(2),
    });
  }
  await api.jobs.create({
    kind: 'ledger-export',
    id: 'export-1',
    status: 'queued',
    progress: 0,
    createdAt: at(3),
    updatedAt: at(3),
    request: {},
    requestedBy: { id: 'seed', role: 'auditor', via: 'token' },
  });
});

afterAll(() => api.close());

const protectedRoutes = ROUTE_IDS.filter((id) => !(PUBLIC_ROUTES as readonly string[]).includes(id));

describe('the permission table', () => {
  it('covers exactly the routes of the table', () => {
    expect(API_ROUTES.map((r) => r.id).sort()).toEqual([...ROUTE_IDS].sort());
    for (const route of API_ROUTES)
      expect(Boolean(route.public)).toBe(PUBLIC_ROUTES.includes(route.id as never));
  });

  it("gives every role the auditor's permissions and admin every permission of every role", () => {
    for (const role of ROLES) for (const id of PERMISSIONS.auditor) expect(PERMISSIONS[role]).toContain(id);
    for (const role of ROLES) for (const id of PERMISSIONS[role]) expect(PERMISSIONS.admin).toContain(id);
    expect(ROLE_RANK).toEqual(['auditor', 'deployer', 'compliance-officer', 'admin']);
  });

  it('does not nest deployer and compliance-officer: each has writes the other lacks', () => {
    expect(mayCall('deployer', 'deployments.request')).toBe(true);
    expect(mayCall('compliance-officer', 'deployments.request')).toBe(false);
    expect(mayCall('deployer', 'exceptions.grant')).toBe(false);
    expect(mayCall(['deployer', 'compliance-officer'], 'deployments.request')).toBe(true);
    expect(mayCall(['deployer', 'compliance-officer'], 'exceptions.grant')).toBe(true);
    expect(mayCall(['deployer', 'compliance-officer'], 'access-log.list')).toBe(false);
  });

  it('is the documented table', () => {
    expect(PERMISSIONS).toEqual({
      auditor: [
        'decisions.list',
        'decisions.get',
        'models.list',
        'models.history',
        'exceptions.list',
        'deployments.list',
        'deployments.get',
        'ledger.checkpoint',
        'ledger.inclusion',
        'ledger.consistency',
        'ledger-exports.start',
        'ledger-exports.get',
        'reports.get',
      ],
      deployer: [
        'decisions.list',
        'decisions.get',
        'models.list',
        'models.history',
        'exceptions.list',
        'deployments.list',
        'deployments.get',
        'ledger.checkpoint',
        'ledger.inclusion',
        'ledger.consistency',
        'ledger-exports.start',
        'ledger-exports.get',
        'reports.get',
        'deployments.request',
        'deployments.rollback',
      ],
      'compliance-officer': [
        'decisions.list',
        'decisions.get',
        'models.list',
        'models.history',
        'exceptions.list',
        'deployments.list',
        'deployments.get',
        'ledger.checkpoint',
        'ledger.inclusion',
        'ledger.consistency',
        'ledger-exports.start',
        'ledger-exports.get',
        'reports.get',
        'reports.start',
        'exceptions.grant',
        'exceptions.revoke',
        'rejections.list',
      ],
      admin: [
        'decisions.list',
        'decisions.get',
        'models.list',
        'models.history',
        'exceptions.list',
        'deployments.list',
        'deployments.get',
        'ledger.checkpoint',
        'ledger.inclusion',
        'ledger.consistency',
        'ledger-exports.start',
        'ledger-exports.get',
        'reports.get',
        'reports.start',
        'exceptions.grant',
        'exceptions.revoke',
        'rejections.list',
        'deployments.request',
        'deployments.rollback',
        'access-log.list',
      ],
    });
  });
});

describe.each(protectedRoutes)('%s', (id) => {
  const { method, path, options, ok } = REQUESTS[id];

  it('answers 401 with a Bearer challenge without a token', async () => {
    const response = await api.call(method, path, options);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="verdict"');
    expect(response.body).toEqual({
      type: 'https://verdict.dev/problems/unauthorized',
      title: 'Unauthorized',
      status: 401,
      detail: 'missing Authorization: Bearer <token>',
    });
  });

  it.each(ROLES)('as %s', async (role) => {
    const response = await api.call(method, path.replace('{role}', role), {
      ...options,
      token: tokens[role],
    });
    if (mayCall(role, id)) {
      expect(response.status, response.text).toBe(ok);
    } else {
      expect(response.status).toBe(403);
      expect(response.body).toEqual({
        type: 'https://verdict.dev/problems/forbidden',
        title: 'Forbidden',
        status: 403,
        detail: `role ${role} may not call ${id}`,
      });
    }
  });
});

describe.each(PUBLIC_ROUTES)('%s (public)', (id) => {
  it('answers without a token, and with a bad one', async () => {
    const { method, path, ok } = REQUESTS[id];
    expect((await api.call(method, path)).status).toBe(ok);
    expect((await api.call(method, path, { token: 'garbage' })).status).toBe(ok);
  });
});

describe('bearer tokens', () => {
  const decisionsWith = (token: string, headers: Record<string, string> = {}) =>
    api.call('GET', '/decisions', { headers: { ...headers, authorization: `Bearer ${token}` } });

  it('refuses an expired token with 401', async () => {
    const expired = await api.token('admin', { ttlSeconds: 60, now: new Date(Date.now() - 3600_000) });
    const response = await decisionsWith(expired);
    expect(response.status).toBe(401);
    expect(response.body.detail).toBe('token expired');
  });

  it('refuses a token signed by another key with 401', async () => {
    const other = generateKeyPairSync('ed25519');
    const { token } = await issueToken(other.privateKey, {
      role: 'admin',
      subject: 'mallory',
      ttlSeconds: 600,
    });
    const response = await decisionsWith(token);
    expect(response.status).toBe(401);
    expect(response.body.detail).toBe('invalid token');
  });

  it('refuses a token for another audience, issuer or algorithm, or lasting over 7 days', async () => {
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: { iss?: string; aud?: string; exp?: number }) =>
      new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: 'EdDSA' })
        .setIssuer(claims.iss ?? TOKEN_ISSUER)
        .setAudience(claims.aud ?? TOKEN_AUDIENCE)
        .setSubject('mallory')
        .setJti('j')
        .setIssuedAt(now)
        .setExpirationTime(claims.exp ?? now + 600)
        .sign(api.keys.privateKey);
    expect((await decisionsWith(await sign({ aud: 'someone-else' }))).status).toBe(401);
    expect((await decisionsWith(await sign({ iss: 'someone-else' }))).status).toBe(401);
    const tooLong = await decisionsWith(await sign({ exp: now + MAX_TOKEN_TTL_SECONDS + 60 }));
    expect(tooLong.status).toBe(401);
    expect(tooLong.body.detail).toBe('token lifetime exceeds 7 days');
    const hmac = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject('mallory')
      .setJti('j')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new Uint8Array(32));
    expect((await decisionsWith(hmac)).status).toBe(401);
  });

  it('answers a verified token with an unknown role with 403', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ role: 'root' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject('mallory')
      .setJti('j')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(api.keys.privateKey);
    const response = await decisionsWith(token);
    expect(response.status).toBe(403);
    expect(response.body.detail).toBe('the token carries no known role');
  });

  it('refuses a malformed Authorization header with 401', async () => {
    for (const header of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', `Token ${tokens.admin}`]) {
      const response = await api.call('GET', '/decisions', { headers: { authorization: header } });
      expect(response.status, header).toBe(401);
    }
  });

  it('puts iss, aud, exp, iat, jti, sub and role in a token', async () => {
    const issued = await issueToken(api.keys.privateKey, {
      role: 'auditor',
      subject: 'alice',
      ttlSeconds: 8 * 3600,
    });
    const [, payload] = issued.token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    expect(claims).toEqual({
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
      sub: 'alice',
      role: 'auditor',
      jti: issued.jti,
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
    expect(claims.exp - claims.iat).toBe(8 * 3600);
    expect(JSON.parse(Buffer.from(issued.token.split('.')[0] ?? '', 'base64url').toString())).toEqual({
      alg: 'EdDSA',
      typ: 'JWT',
    });
  });

  it('parses TTLs up to 7 days', () => {
    expect(parseTtl('8h')).toBe(28_800);
    expect(parseTtl('30m')).toBe(1800);
    expect(parseTtl('7d')).toBe(604_800);
    expect(parseTtl('90s')).toBe(90);
    for (const bad of ['8', '0h', '8 hours', '-1h', '8d', '1w', ''])
      expect(() => parseTtl(bad), bad).toThrow(RangeError);
  });

  it('words a bad TTL by the field, or as the caller names it', () => {
    expect(() => parseTtl('8d')).toThrow('ttl 8d: a token lasts at most 7d');
    expect(() => parseTtl('8 hours', (field) => `--${field}`)).toThrow(
      '--ttl 8 hours: expected a number and a unit, e.g. 30m, 8h or 7d',
    );
  });
});
