import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture, at, decision, NOW, subject } from '../../support/api-fixture.ts';

let api: ApiFixture;
let arns: Record<string, string>;

beforeEach(async () => {
  api = apiFixture();
  arns = {};
  for (const group of ['credit-scorer', 'cv-ranker']) await api.registry.createModelPackageGroup(group);
  for (const [group, count] of [
    ['credit-scorer', 2],
    ['cv-ranker', 1],
  ] as const) {
    for (let v = 1; v <= count; v++) {
      const pkg = await api.registry.createModelPackage({ groupName: group });
      arns[`${group}/${v}`] = pkg.arn;
    }
  }
  const sub = (group: string, version: number) => ({
    ...subject(group, version),
    id: arns[`${group}/${version}`] as string,
  });
  await api.decisions.record(decision('d-1', at(1), { subject: sub('credit-scorer', 1), decision: 'deny' }));
  await api.decisions.record(
    decision('d-2', at(2), { subject: sub('credit-scorer', 1), decision: 'allow', violations: [] }),
  );
  await api.decisions.record(decision('d-3', at(3), { subject: sub('cv-ranker', 1), riskClass: 'limited' }));
  await api.registry.setApprovalStatus(arns['credit-scorer/1'] as string, 'Approved', 'Verdict allow d-2');
  const waiver = (id: string, subjectName: string, expiresAt: string) => ({
    id,
    rule: 'bias.disparate_impact',
    subject: subjectName,
    reason: 'retraining is scheduled for next month',
    approver: 'head-of-model-risk',
    expiresAt,
    grantedAt: at(0),
  });
  await api.exceptions.grant(waiver('e-open', 'cv-ranker', '2026-12-31T00:00:00Z'));
  await api.exceptions.grant(waiver('e-lapsed', 'cv-ranker', '2026-05-31T00:00:00Z'));
  await api.exceptions.grant(waiver('e-version', arns['credit-scorer/2'] as string, '2026-07-01T00:00:00Z'));
  // Revoked before NOW: it no longer shows as open, though it has not expired.
  await api.exceptions.grant(waiver('e-revoked', 'cv-ranker', '2026-12-31T00:00:00Z'));
  await api.exceptions.revoke('e-revoked', {
    revokedAt: at(1),
    revokedBy: 'head-of-model-risk',
    revocationReason: 'the retraining landed early',
  });
});

afterEach(() => api.close());

describe('GET /models', () => {
  it('lists every registered version with status, risk class, last decision, open exceptions and deployments', async () => {
    const response = await api.as('auditor', 'GET', '/models');
    expect(response.status).toBe(200);
    expect(response.body.models).toEqual([
      {
        model: 'credit-scorer',
        version: '1',
        arn: arns['credit-scorer/1'],
        approvalStatus: 'Approved',
        approvalDescription: 'Verdict allow d-2',
        registeredAt: NOW.toISOString(),
        riskClass: 'high',
        lastDecision: {
          id: 'd-2',
          decision: 'allow',
          evaluatedAt: at(2),
          policyBundle: 'a'.repeat(64),
          violations: 0,
        },
        openExceptions: [],
        deployments: [],
      },
      {
        model: 'credit-scorer',
        version: '2',
        arn: arns['credit-scorer/2'],
        approvalStatus: 'PendingManualApproval',
        registeredAt: NOW.toISOString(),
        openExceptions: [expect.objectContaining({ id: 'e-version' })],
        deployments: [],
      },
      {
        model: 'cv-ranker',
        version: '1',
        arn: arns['cv-ranker/1'],
        approvalStatus: 'PendingManualApproval',
        registeredAt: NOW.toISOString(),
        riskClass: 'limited',
        lastDecision: expect.objectContaining({ id: 'd-3', violations: 1 }),
        openExceptions: [expect.objectContaining({ id: 'e-open' })],
        deployments: [],
      },
    ]);
  });

  it('narrows to one model, and answers a bad name with 400', async () => {
    const one = await api.as('auditor', 'GET', '/models', { query: { model: 'cv-ranker' } });
    expect(one.body.models.map((m: { model: string }) => m.model)).toEqual(['cv-ranker']);
    const bad = await api.as('auditor', 'GET', '/models', { query: { model: 'no spaces' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual(['model: expected a model package group name']);
  });
});

describe('GET /models/{id}/history', () => {
  it("gives every version's status changes and decisions, oldest first", async () => {
    const response = await api.as('auditor', 'GET', '/models/credit-scorer/history');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      model: 'credit-scorer',
      decisionsTruncated: false,
      versions: [
        {
          version: '1',
          arn: arns['credit-scorer/1'],
          approvalStatus: 'Approved',
          statusChanges: [
            { status: 'PendingManualApproval', changedAt: NOW.toISOString() },
            { status: 'Approved', description: 'Verdict allow d-2', changedAt: NOW.toISOString() },
          ],
          decisions: [expect.objectContaining({ id: 'd-1' }), expect.objectContaining({ id: 'd-2' })],
        },
        {
          version: '2',
          arn: arns['credit-scorer/2'],
          approvalStatus: 'PendingManualApproval',
          statusChanges: [{ status: 'PendingManualApproval', changedAt: NOW.toISOString() }],
          decisions: [],
        },
      ],
    });
  });

  it('keeps decisions of versions the registry no longer holds', async () => {
    await api.decisions.record(decision('d-gone', at(9), { subject: subject('retired-model', 4) }));
    const response = await api.as('auditor', 'GET', '/models/retired-model/history');
    expect(response.body.versions).toEqual([
      { version: '4', statusChanges: [], decisions: [expect.objectContaining({ id: 'd-gone' })] },
    ]);
  });

  it('answers an unknown model with 404 and a malformed name with 400', async () => {
    const missing = await api.as('auditor', 'GET', '/models/nobody/history');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ title: 'Not found', detail: 'no model nobody' });
    const bad = await api.as('auditor', 'GET', '/models/bad_name/history');
    expect(bad.status).toBe(400);
  });
});
