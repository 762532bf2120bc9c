import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCESS_LOG_IMMUTABLE_MESSAGE } from '../../../functions/adapters/local/sqlite-access-log.ts';
import { createApiRouter } from '../../../functions/api/router.ts';
import type { AccessRecord } from '../../../functions/contracts/access-record.ts';
import { type ApiFixture, apiEvent, apiFixture, at, decision, NOW } from '../../support/api-fixture.ts';

let api: ApiFixture;

beforeEach(async () => {
  api = apiFixture();
  await api.decisions.record(decision('d-1', at(1)));
});

afterEach(() => api.close());

async function records(): Promise<AccessRecord[]> {
  return (await api.accessLog.list({ limit: 1000 })).records;
}

describe('the access log', () => {
  it('records who called what, with the query and the status, and never a body', async () => {
    const token = await api.token('compliance-officer', { subject: 'carol' });
    await api.call('GET', '/decisions', { token, query: { model: 'credit-scorer', limit: '5' } });
    await api.call('GET', '/decisions/d-1', { token });
    await api.call('POST', '/reports', {
      token,
      body: JSON.stringify({ type: 'model-compliance', format: 'pdf', model: 'secret-body-marker' }),
    });

    const logged = await records();
    expect(logged).toEqual([
      {
        id: expect.any(String),
        at: NOW.toISOString(),
        principal: { id: 'carol', role: 'compliance-officer', via: 'token' },
        method: 'GET',
        route: 'decisions.list',
        path: '/decisions',
        query: { model: 'credit-scorer', limit: '5' },
        status: 200,
        durationMs: expect.any(Number),
        sourceIp: '192.0.2.10',
      },
      expect.objectContaining({ route: 'decisions.get', path: '/decisions/d-1', query: {}, status: 200 }),
      expect.objectContaining({ method: 'POST', route: 'reports.start', status: 202 }),
    ]);
    // Neither the request body nor any response content is kept.
    const stored = JSON.stringify(api.db.prepare('SELECT * FROM api_access_log').all());
    expect(stored).not.toContain('secret-body-marker');
    expect(stored).not.toContain('disparate impact');
    expect(stored).not.toContain('inputSha256');
  });

  it('records refused calls too: 401 without a principal, 403 with it, 400 and 404', async () => {
    await api.call('GET', '/decisions');
    await api.as('auditor', 'GET', '/access-log');
    await api.as('auditor', 'GET', '/decisions', { query: { limit: '0' } });
    await api.as('auditor', 'GET', '/no/such/route');
    const logged = await records();
    expect(logged.map((r) => [r.route, r.status, r.principal?.role])).toEqual([
      ['decisions.list', 401, undefined],
      ['access-log.list', 403, 'auditor'],
      ['decisions.list', 400, 'auditor'],
      ['unmatched', 404, 'auditor'],
    ]);
    expect(logged[0]).not.toHaveProperty('principal');
  });

  it('leaves out health probes and records fetches of the OpenAPI document', async () => {
    await api.call('GET', '/health');
    await api.call('GET', '/openapi.json');
    expect((await records()).map((r) => r.route)).toEqual(['openapi.get']);
  });

  it('does not answer a call it cannot record: 503, and no data', async () => {
    const router = createApiRouter({
      ...api.deps,
      accessLog: {
        record: async () => {
          throw new Error('disk full');
        },
        list: async () => ({ records: [] }),
      },
    });
    const response = await router(apiEvent('GET', '/decisions/d-1', { token: await api.token('admin') }));
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body ?? '')).toEqual({
      type: 'https://verdict.dev/problems/access-log-unavailable',
      title: 'Access log unavailable',
      status: 503,
      detail: 'the call could not be recorded; try again later',
    });
    expect(response.body).not.toContain('d-1');
  });

  it('is readable by an admin through GET /access-log, paged and filtered by time', async () => {
    const token = await api.token('admin');
    for (let i = 0; i < 3; i++) await api.call('GET', '/decisions', { token });
    const first = await api.call('GET', '/access-log', { token, query: { limit: '2' } });
    expect(first.status).toBe(200);
    expect(first.body.records).toHaveLength(2);
    const second = await api.call('GET', '/access-log', {
      token,
      query: { limit: '2', cursor: first.body.nextCursor },
    });
    expect(second.body.records.map((r: AccessRecord) => r.route)).toEqual([
      'decisions.list',
      'access-log.list',
    ]);
    const none = await api.call('GET', '/access-log', { token, query: { to: '2020-01-01T00:00:00Z' } });
    expect(none.body.records).toEqual([]);
    const bad = await api.call('GET', '/access-log', { token, query: { cursor: 'bm9wZQ' } });
    expect(bad.status).toBe(400);
  });

  it('is append-only in SQLite', async () => {
    await api.call('GET', '/decisions');
    expect(() => api.db.prepare('UPDATE api_access_log SET status = 200').run()).toThrow(
      ACCESS_LOG_IMMUTABLE_MESSAGE,
    );
    expect(() => api.db.prepare('DELETE FROM api_access_log').run()).toThrow(ACCESS_LOG_IMMUTABLE_MESSAGE);
  });

  it('keeps the first record of a repeated request id', async () => {
    const entry: AccessRecord = {
      id: 'req-1',
      at: at(1),
      method: 'GET',
      route: 'decisions.list',
      path: '/decisions',
      query: {},
      status: 200,
      durationMs: 1,
    };
    await api.accessLog.record(entry);
    await api.accessLog.record({ ...entry, status: 500 });
    expect(await records()).toEqual([entry]);
  });
});
