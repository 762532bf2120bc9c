/** The ledger export routes over the real export service (its jobs in SQLite; archive links made up). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPORT_REQUESTED_EVENT } from '../../../functions/routes.ts';
import { type ApiFixture, apiFixture, NOW } from '../../support/api-fixture.ts';

let api: ApiFixture;

beforeEach(() => {
  api = apiFixture();
  api.ledger.ids.push('a', 'b', 'c');
  api.ledger.checkpointSize = 3;
});

afterEach(() => api.close());

const start = (body: unknown, role: 'auditor' | 'compliance-officer' = 'auditor') =>
  api.as(role, 'POST', '/ledger/exports', { body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('POST /ledger/exports', () => {
  it('queues an export job for the report worker and answers 202 with the job and its Location', async () => {
    const response = await start({});
    expect(response.status).toBe(202);
    const id = response.body.id as string;
    expect(response.headers.location).toBe(`/ledger/exports/${id}`);
    expect(response.body).toEqual({ id, status: 'queued', progress: 0, createdAt: NOW.toISOString() });
    expect(await api.jobs.get(id)).toMatchObject({
      kind: 'ledger-export',
      request: {},
      requestedBy: { id: 'auditor-user', role: 'auditor', via: 'token' },
    });
    expect(api.published).toEqual([
      {
        source: REPORT_REQUESTED_EVENT.source,
        detailType: REPORT_REQUESTED_EVENT.detailType,
        detail: { jobId: id },
      },
    ]);
  });

  it('takes a size up to the newest checkpoint, and records the call in the access log', async () => {
    const response = await start({ size: 2 });
    expect(response.status).toBe(202);
    expect(response.body.requestedSize).toBe(2);
    expect((await api.jobs.get(response.body.id))?.request).toEqual({ size: 2 });
    const log = await api.accessLog.list({ limit: 10 });
    expect(log.records.map((r) => [r.route, r.status, r.principal?.id])).toContainEqual([
      'ledger-exports.start',
      202,
      'auditor-user',
    ]);
  });

  it.each([
    [{ size: 0 }, ['size: Too small: expected number to be >=1']],
    [{ size: 1.5 }, ['size: Invalid input: expected int, received number']],
    [{ size: '2' }, ['size: Invalid input: expected number, received string']],
    [{ from: 1 }, ['(root): Unrecognized key: "from"']],
  ])('answers %j with a 400 problem and queues nothing', async (body, errors) => {
    const response = await start(body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: 'https://verdict.dev/problems/invalid-request-body',
      title: 'Invalid request body',
      status: 400,
      errors,
    });
    expect(api.published).toEqual([]);
  });

  it('refuses a size beyond the newest checkpoint (400) and a ledger with none (409), queueing nothing', async () => {
    const beyond = await start({ size: 4 });
    expect(beyond.status).toBe(400);
    expect(beyond.body).toEqual({
      type: 'https://verdict.dev/problems/invalid-ledger-export-request',
      title: 'Invalid ledger export request',
      status: 400,
      detail: 'size 4 is beyond the newest signed checkpoint (size 3)',
    });
    api.ledger.checkpointSize = 0;
    const empty = await start({});
    expect(empty.status).toBe(409);
    expect(empty.body.detail).toBe('the ledger has no signed checkpoint yet');
    expect(api.published).toEqual([]);
  });

  it('answers 503 where exports are not configured', async () => {
    const unconfigured = apiFixture({ ledgerExports: false });
    try {
      const response = await unconfigured.as('auditor', 'POST', '/ledger/exports', { body: '{}' });
      expect(response.status).toBe(503);
      expect(response.body.title).toBe('Ledger exports not configured');
    } finally {
      unconfigured.close();
    }
  });
});

describe('GET /ledger/exports/{id}', () => {
  it('follows the job and, once done, links the tar file', async () => {
    const { id } = (await start({})).body as { id: string };
    expect((await api.as('auditor', 'GET', `/ledger/exports/${id}`)).body.status).toBe('queued');
    await api.jobs.update(id, {
      status: 'done',
      progress: 1,
      finishedAt: NOW.toISOString(),
      treeSize: 3,
      sha256: 'a'.repeat(64),
      sizeBytes: 4096,
      objectKey: `reports/2026-06/${id}.tar`,
      updatedAt: NOW.toISOString(),
    });
    const done = await api.as('auditor', 'GET', `/ledger/exports/${id}`);
    expect(done.status).toBe(200);
    expect(done.body).toEqual({
      id,
      status: 'done',
      progress: 1,
      createdAt: NOW.toISOString(),
      finishedAt: NOW.toISOString(),
      treeSize: 3,
      sha256: 'a'.repeat(64),
      sizeBytes: 4096,
      download: {
        url: `https://reports.example/reports/2026-06/${id}.tar?ttl=900&name=verdict-ledger-3-${id}.tar`,
        expiresAt: new Date(NOW.getTime() + 900_000).toISOString(),
      },
    });
  });

  it('answers 404 for an unknown id and for a report, 400 for an id of the wrong form', async () => {
    expect((await api.as('auditor', 'GET', '/ledger/exports/nope')).status).toBe(404);
    await api.reports.start(
      { type: 'period-summary', format: 'csv' },
      { id: 'x', role: 'admin', via: 'token' },
    );
    const report = await api.as('auditor', 'GET', '/ledger/exports/report-1');
    expect(report.status).toBe(404);
    expect(report.body.detail).toBe('no ledger export report-1');
    const bad = await api.as('auditor', 'GET', '/ledger/exports/a%20b');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual(['id: expected a ledger export id']);
  });
});
