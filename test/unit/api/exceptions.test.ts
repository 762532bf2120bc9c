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
