import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture, at, NOW } from '../../support/api-fixture.ts';

let api: ApiFixture;
let v1 = '';

beforeEach(async () => {
  api = apiFixture();
  await api.registry.createModelPackageGroup('cv-ranker');
  v1 = (await api.registry.createModelPackage({ groupName: 'cv-ranker' })).arn;
  const waiver = (id: string, subject: string, expiresAt: string, minute: number) => ({
    id,
    rule: 'bias.disparate_impact',
    subject,
    reason: 'retraining is scheduled for next month',
    approver: 'head-of-model-risk',
    expiresAt,
    grantedAt: at(minute),
  });
  await api.exceptions.grant(waiver('e-open', 'cv-ranker', '2099-12-31T00:00:00Z', 1));
  await api.exceptions.grant(waiver('e-lapsed', 'cv-ranker', '2026-05-31T00:00:00Z', 0));
  await api.exceptions.grant(waiver('e-version', v1, '2099-12-31T00:00:00Z', 2));
  await api.exceptions.grant(waiver('e-revoked', 'cv-ranker', '2099-12-31T00:00:00Z', 3));
  await api.exceptions.grant(waiver('e-other', 'credit-scorer', '2099-12-31T00:00:00Z', 4));
  await api.exceptions.revoke('e-revoked', {
    revokedAt: at(5),
    revokedBy: 'head-of-model-risk',
    revocationReason: 'the retraining landed early',
  });
});

afterEach(() => api.close());

describe('GET /exceptions', () => {
  it("lists a group's exceptions and its versions', oldest grant first, each with its status", async () => {
    const response = await api.as('auditor', 'GET', '/exceptions', { query: { model: 'cv-ranker' } });
    expect(response.status).toBe(200);
    expect(response.body.exceptions.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([
      ['e-lapsed', 'expired'],
      ['e-open', 'active'],
      ['e-version', 'active'],
      ['e-revoked', 'revoked'],
    ]);
    expect(response.body.exceptions[3]).toMatchObject({ revokedAt: at(5) });
  });

  it("lists one version's exceptions by its ARN", async () => {
    const response = await api.as('auditor', 'GET', '/exceptions', { query: { model: v1 } });
    expect(response.body.exceptions.map((e: { id: string }) => e.id)).toEqual(['e-version']);
  });

  it('refuses a request without a model, or with a name that is neither a group nor an ARN', async () => {
    expect((await api.as('auditor', 'GET', '/exceptions')).status).toBe(400);
    const bad = await api.as('auditor', 'GET', '/exceptions', { query: { model: 'cv ranker' } });
    expect(bad.status).toBe(400);
  });
});

describe('POST /exceptions', () => {
  const grant = {
    rule: 'bias.recall_difference',
    model: 'cv-ranker',
    reason: 'Retraining with reweighted data is scheduled',
    expiresAt: '2026-09-30T00:00:00Z',
  };
  const post = (body: unknown, role: 'compliance-officer' | 'auditor' = 'compliance-officer') =>
    api.as(role, 'POST', '/exceptions', { body: JSON.stringify(body) });

  it('records the caller as the approver, sealed, and the exception applies to the model', async () => {
    const response = await post(grant);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      rule: grant.rule,
      subject: 'cv-ranker',
      expiresAt: grant.expiresAt,
      grantedAt: NOW.toISOString(),
    });
    expect(response.body.approver).toMatch(/^sealed:/);
    expect(response.body.reason).toMatch(/^sealed:/);
    const listed = await api.as('auditor', 'GET', '/exceptions', { query: { model: 'cv-ranker' } });
    expect(listed.body.exceptions.map((e: { id: string }) => e.id)).toContain(response.body.id);
  });

  it.each([
    [
      { rule: 'prohibited.social_scoring' },
      ['rule: prohibited.social_scoring cannot be waived: Art. 5 prohibitions cannot be waived'],
    ],
    [
      { rule: 'bias.recal_difference', model: 'cv-rankr' },
      [
        'rule: no policy reports bias.recal_difference; did you mean bias.recall_difference?',
        'model: no model cv-rankr is registered or has been decided; did you mean cv-ranker?',
      ],
    ],
  ])('refuses %j with one message per problem, and writes nothing', async (change, errors) => {
    const before = await api.exceptions.listFor(['cv-ranker', 'cv-rankr']);
    const response = await post({ ...grant, ...change });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ title: 'Exception refused', errors });
    expect(await api.exceptions.listFor(['cv-ranker', 'cv-rankr'])).toEqual(before);
  });

  it('is not an auditor’s, and answers 503 where grants are not configured', async () => {
    expect((await post(grant, 'auditor')).status).toBe(403);
    const unconfigured = apiFixture({ grants: false });
    try {
      const response = await unconfigured.as('compliance-officer', 'POST', '/exceptions', {
        body: JSON.stringify(grant),
      });
      expect(response.status).toBe(503);
    } finally {
      unconfigured.close();
    }
  });
});

describe('POST /exceptions/{id}/revocation', () => {
  const reason = 'the retraining landed early';
  const revoke = (id: string, body: unknown, role: 'compliance-officer' | 'auditor' = 'compliance-officer') =>
    api.as(role, 'POST', `/exceptions/${id}/revocation`, {
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('revokes with the caller as the revoker, sealed, and the exception lists as revoked', async () => {
    const response = await revoke('e-open', { reason });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: 'e-open', revokedAt: NOW.toISOString() });
    expect(response.body.revokedBy).toMatch(/^sealed:/);
    expect(response.body.revocationReason).toMatch(/^sealed:/);
    const listed = await api.as('auditor', 'GET', '/exceptions', { query: { model: 'cv-ranker' } });
    expect(listed.body.exceptions.find((e: { id: string }) => e.id === 'e-open').status).toBe('revoked');
  });

  it('answers 404 for an unknown id and 409 for an exception revoked already, changing nothing', async () => {
    const unknown = await revoke('e-none', { reason });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      type: 'https://verdict.dev/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'no exception has the id e-none',
    });
    const before = await api.exceptions.getException('e-revoked');
    const again = await revoke('e-revoked', { reason });
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toBe('application/problem+json');
    expect(again.body).toEqual({
      type: 'https://verdict.dev/problems/already-revoked',
      title: 'Already revoked',
      status: 409,
      detail: `exception e-revoked was revoked at ${at(5)} already`,
    });
    expect(await api.exceptions.getException('e-revoked')).toEqual(before);
  });

  it.each([
    [{}, ['reason: Invalid input: expected string, received undefined']],
    [{ reason, approver: 'someone-else' }, ['(root): Unrecognized key: "approver"']],
  ])('answers %j with a 400 problem and revokes nothing', async (body, errors) => {
    const response = await revoke('e-open', body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: 'https://verdict.dev/problems/invalid-request-body',
      title: 'Invalid request body',
      status: 400,
      errors,
    });
    expect((await api.exceptions.getException('e-open'))?.revokedAt).toBeUndefined();
  });

  it('answers a reason too short with the check of `exception revoke`', async () => {
    const response = await revoke('e-open', { reason: 'early' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: 'https://verdict.dev/problems/invalid-revocation',
      title: 'Invalid revocation',
      status: 400,
      errors: ['reason: say why, in at least 10 characters'],
    });
    expect((await api.exceptions.getException('e-open'))?.revokedAt).toBeUndefined();
  });

  it('answers 400 for an id of the wrong form', async () => {
    const response = await revoke('e%20open', { reason });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual(['id: expected an exception id']);
  });

  it('is not an auditor’s', async () => {
    const response = await revoke('e-open', { reason }, 'auditor');
    expect(response.status).toBe(403);
    expect(response.body.detail).toBe('role auditor may not call exceptions.revoke');
  });

  it('answers 503 where the API cannot write the ledger, naming the command that does it', async () => {
    const readOnly = apiFixture({ grants: false });
    try {
      const revoked = await readOnly.as('compliance-officer', 'POST', '/exceptions/e-open/revocation', {
        body: JSON.stringify({ reason }),
      });
      expect(revoked.status).toBe(503);
      expect(revoked.body).toEqual({
        type: 'https://verdict.dev/problems/exceptions-not-configured',
        title: 'Exceptions not configured',
        status: 503,
        detail:
          'this API reads the ledger only: revoke exceptions with `verdict exception revoke ID --stack NAME`',
      });
      const granted = await readOnly.as('compliance-officer', 'POST', '/exceptions', {
        body: JSON.stringify({
          rule: 'bias.recall_difference',
          model: 'cv-ranker',
          reason: 'Retraining with reweighted data is scheduled',
          expiresAt: '2026-09-30T00:00:00Z',
        }),
      });
      expect(granted.status).toBe(503);
      expect(granted.body.detail).toBe(
        'this API reads the ledger only: grant exceptions with `verdict exception grant --stack NAME`',
      );
    } finally {
      readOnly.close();
    }
  });
});
