import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BODY_BYTES } from '../../../functions/api/router.ts';
import { type ApiFixture, apiFixture, NOW } from '../../support/api-fixture.ts';

let api: ApiFixture;

beforeEach(() => {
  api = apiFixture();
});

afterEach(() => api.close());

const start = (body: unknown, headers: Record<string, string> = {}) =>
  api.as('compliance-officer', 'POST', '/reports', {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers,
  });

describe('POST /reports', () => {
  it('queues the export for the caller and answers 202 with the job and its Location', async () => {
    const response = await start({ type: 'annex-iv', format: 'pdf', model: 'credit-scorer', version: '2' });
    expect(response.status).toBe(202);
    expect(response.headers.location).toBe('/reports/report-1');
    expect(response.body).toEqual({
      id: 'report-1',
      type: 'annex-iv',
      format: 'pdf',
      status: 'queued',
      progress: 0,
      createdAt: NOW.toISOString(),
    });
    expect(api.reports.jobs.get('report-1')).toMatchObject({
      request: { type: 'annex-iv', format: 'pdf', model: 'credit-scorer', version: '2' },
      requestedBy: { id: 'compliance-officer-user', role: 'compliance-officer', via: 'token' },
    });
  });

  it('takes a period summary without a model', async () => {
    const response = await start({
      type: 'period-summary',
      format: 'csv',
      from: '2026-01-01T00:00:00Z',
      to: '2026-04-01T00:00:00Z',
    });
    expect(response.status).toBe(202);
  });

  it.each([
    [{ type: 'annex-iv', format: 'pdf' }, ['model: required for a annex-iv report']],
    [{ type: 'model-compliance', format: 'json' }, ['model: required for a model-compliance report']],
    [
      { type: 'period-summary', format: 'docx' },
      ['format: Invalid option: expected one of "json"|"csv"|"html"|"pdf"'],
    ],
    [{ type: 'summary', format: 'csv' }, [expect.stringMatching(/^type: Invalid option/)]],
    [{ type: 'period-summary', format: 'csv', version: '3' }, ['version: needs model']],
    [
      { type: 'period-summary', format: 'csv', from: '2026-04-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
      ['to: must be later than from'],
    ],
    [{ type: 'period-summary', format: 'csv', extra: true }, ['(root): Unrecognized key: "extra"']],
    [[], ['(root): Invalid input: expected object, received array']],
  ])('answers %j with a 400 problem', async (body, errors) => {
    const response = await start(body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: 'https://verdict.dev/problems/invalid-request-body',
      title: 'Invalid request body',
      status: 400,
      errors,
    });
  });

  it('answers malformed JSON with 400, another media type with 415 and an oversized body with 413', async () => {
    const malformed = await start('{"type": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.title).toBe('Malformed JSON');
    const form = await start('type=annex-iv', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    const large = await start(
      JSON.stringify({ type: 'period-summary', format: 'csv', pad: 'x'.repeat(MAX_REQUEST_BODY_BYTES) }),
    );
    expect(large.status).toBe(413);
    expect(api.reports.jobs.size).toBe(0);
  });

  it("passes the service's refusal on as a 400", async () => {
    const response = await start({ type: 'model-compliance', format: 'json', model: 'unknown-model' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: 'https://verdict.dev/problems/invalid-report-request',
      title: 'Invalid report request',
      status: 400,
      detail: 'no model unknown-model',
    });
  });
});

describe('GET /reports/{id}', () => {
  it('shows progress while running and a time-limited link once done', async () => {
    await start({ type: 'period-summary', format: 'json' });
    const queued = await api.as('auditor', 'GET', '/reports/report-1');
    expect(queued.body).toMatchObject({ status: 'queued', progress: 0 });
    expect(queued.body).not.toHaveProperty('download');

    api.reports.finish('report-1');
    const done = await api.as('auditor', 'GET', '/reports/report-1');
    expect(done.body).toEqual({
      id: 'report-1',
      type: 'period-summary',
      format: 'json',
      status: 'done',
      progress: 1,
      createdAt: NOW.toISOString(),
      finishedAt: NOW.toISOString(),
      sha256: 'f'.repeat(64),
      sizeBytes: 1234,
      download: {
        url: 'https://reports.example/report-1?ttl=900',
        expiresAt: new Date(NOW.getTime() + 900_000).toISOString(),
      },
      manifest: {
        url: 'https://reports.example/report-1.manifest?ttl=900',
        expiresAt: new Date(NOW.getTime() + 900_000).toISOString(),
      },
    });
  });

  it('links the citations too where the archive keeps them, with the same expiry', async () => {
    await start({ type: 'period-summary', format: 'json' });
    api.reports.finish('report-1');
    api.reports.withCitations.add('report-1');
    const done = await api.as('auditor', 'GET', '/reports/report-1');
    const expiresAt = new Date(NOW.getTime() + 900_000).toISOString();
    expect(done.body).toMatchObject({
      download: { url: 'https://reports.example/report-1?ttl=900', expiresAt },
      manifest: { url: 'https://reports.example/report-1.manifest?ttl=900', expiresAt },
      citations: { url: 'https://reports.example/report-1.citations?ttl=900', expiresAt },
    });
  });

  it('answers an unknown id with 404 and a malformed one with 400', async () => {
    expect((await api.as('auditor', 'GET', '/reports/report-404')).status).toBe(404);
    expect((await api.as('auditor', 'GET', '/reports/no%20spaces')).status).toBe(400);
  });

  it('answers 503 "reports not configured" when no report service is wired', async () => {
    const bare = apiFixture({ reports: false });
    try {
      const started = await bare.as('admin', 'POST', '/reports', {
        body: '{"type":"period-summary","format":"csv"}',
      });
      expect(started.status).toBe(503);
      expect(started.body.title).toBe('Reports not configured');
      expect((await bare.as('admin', 'GET', '/reports/r-1')).status).toBe(503);
    } finally {
      bare.close();
    }
  });
});
