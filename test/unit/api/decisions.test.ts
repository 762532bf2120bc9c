import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture, at, decision, subject } from '../../support/api-fixture.ts';

let api: ApiFixture;
let token: string;

beforeEach(async () => {
  api = apiFixture();
  token = await api.token('auditor');
  const seeds = [
    decision('d-01', at(1), { subject: subject('credit-scorer', 1), decision: 'allow', riskClass: 'high' }),
    decision('d-02', at(2), { subject: subject('credit-scorer', 2), decision: 'deny', riskClass: 'high' }),
    decision('d-03', at(3), {
      subject: subject('cv-ranker', 1),
      decision: 'deny',
      riskClass: 'limited',
      policy: { bundleSha256: 'c'.repeat(64), version: '0.2.0', entrypoint: 'verdict/gates/model_registry' },
    }),
    decision('d-04', at(4), { subject: subject('credit-scorer', 2), decision: 'review', riskClass: 'high' }),
    decision('d-05', at(5), { subject: subject('citizen-trust-score', 1), riskClass: 'prohibited' }),
  ];
  for (const d of seeds) await api.decisions.record(d);
});

afterEach(() => api.close());

const list = async (query: Record<string, string>) => api.call('GET', '/decisions', { query, token });
const ids = async (query: Record<string, string>) =>
  (await list(query)).body.decisions.map((d: { id: string }) => d.id);

describe('GET /decisions', () => {
  it('lists every decision oldest first as application/json', async () => {
    const response = await list({});
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body.decisions.map((d: { id: string }) => d.id)).toEqual([
      'd-01',
      'd-02',
      'd-03',
      'd-04',
      'd-05',
    ]);
    expect(response.body).not.toHaveProperty('nextCursor');
  });

  it.each([
    [{ model: 'credit-scorer' }, ['d-01', 'd-02', 'd-04']],
    [{ model: 'credit-scorer', version: '2' }, ['d-02', 'd-04']],
    [{ version: '1' }, ['d-01', 'd-03', 'd-05']],
    [{ decision: 'deny' }, ['d-02', 'd-03', 'd-05']],
    [{ riskClass: 'high' }, ['d-01', 'd-02', 'd-04']],
    [{ riskClass: 'prohibited' }, ['d-05']],
    [{ policyBundle: 'c'.repeat(64) }, ['d-03']],
    [{ policyBundle: 'a'.repeat(64), decision: 'deny' }, ['d-02', 'd-05']],
    [{ from: at(2), to: at(4) }, ['d-02', 'd-03']],
    [{ from: '2026-05-01T02:03:00+02:00' }, ['d-03', 'd-04', 'd-05']],
    [{ to: at(1) }, []],
    [{ order: 'desc', model: 'credit-scorer' }, ['d-04', 'd-02', 'd-01']],
    [{ model: 'no-such-model' }, []],
  ])('filters %j', async (query, expected) => {
    expect(await ids(query)).toEqual(expected);
  });

  it('pages with an opaque cursor and no repeats', async () => {
    const first = await list({ limit: '2' });
    expect(first.body.decisions.map((d: { id: string }) => d.id)).toEqual(['d-01', 'd-02']);
    expect(first.body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await list({ limit: '2', cursor: first.body.nextCursor });
    const third = await list({ limit: '2', cursor: second.body.nextCursor });
    expect([...second.body.decisions, ...third.body.decisions].map((d: { id: string }) => d.id)).toEqual([
      'd-03',
      'd-04',
      'd-05',
    ]);
    expect(third.body).not.toHaveProperty('nextCursor');
  });

  it('keeps pages stable while decisions are appended concurrently between page reads', async () => {
    const first = await list({ limit: '2', model: 'credit-scorer' });
    const seen: string[] = first.body.decisions.map((d: { id: string }) => d.id);
    let cursor: string | undefined = first.body.nextCursor;
    let appended = 0;
    // Each later page read races a burst of appends: half sort before everything read so far (behind the
    // reader, never shown), half after everything (shown on a later page, or after the last one).
    while (cursor && seen.length < 100) {
      const [page] = await Promise.all([
        list({ limit: '2', model: 'credit-scorer', cursor }),
        (async () => {
          for (let i = 0; i < 3; i++, appended++) {
            const minute = appended % 2 === 0 ? 0 : 100 + appended;
            await api.decisions.record(
              decision(`late-${appended}`, at(minute), { subject: subject('credit-scorer', 3) }),
            );
          }
        })(),
      ]);
      expect(page.status).toBe(200);
      seen.push(...page.body.decisions.map((d: { id: string }) => d.id));
      cursor = page.body.nextCursor;
    }

    expect(appended).toBeGreaterThan(0);
    expect(new Set(seen).size).toBe(seen.length); // nothing repeated
    const times = await Promise.all(seen.map(async (id) => (await api.decisions.get(id))?.evaluatedAt ?? ''));
    expect([...times].sort()).toEqual(times); // never out of order
    expect(seen.slice(0, 3)).toEqual(['d-01', 'd-02', 'd-04']); // the originals, in order, none skipped
    const lateIndex = (id: string) => Number(id.slice('late-'.length));
    // Nothing that sorts behind the reader shows up.
    expect(seen.filter((id) => id.startsWith('late-') && lateIndex(id) % 2 === 0)).toEqual([]);
    // What sorts after: every one appended before the last burst was read.
    const after = seen.filter((id) => id.startsWith('late-'));
    expect(after.length).toBeGreaterThanOrEqual(Math.floor(appended / 2) - 2);
  });

  it.each([
    [{ limit: '0' }, ['limit: Too small: expected number to be >=1']],
    [{ limit: '1001' }, ['limit: Too big: expected number to be <=1000']],
    [{ limit: 'ten' }, ['limit: expected a decimal integer']],
    [{ limit: '1.5' }, ['limit: expected a decimal integer']],
    [{ decision: 'maybe' }, ['decision: Invalid option: expected one of "allow"|"deny"|"review"']],
    [{ riskClass: 'huge' }, [expect.stringMatching(/^riskClass: Invalid option/)]],
    [{ policyBundle: 'abc' }, ['policyBundle: expected a lowercase hex SHA-256']],
    [{ version: 'v1' }, ['version: expected a model version number']],
    [{ model: '-bad-' }, ['model: expected a model package group name']],
    [{ from: 'yesterday' }, ['from: Invalid ISO datetime']],
    [{ from: at(4), to: at(2) }, ['to: must be later than from']],
    [{ order: 'sideways' }, ['order: Invalid option: expected one of "asc"|"desc"']],
    [{ modle: 'credit-scorer' }, ['(root): Unrecognized key: "modle"']],
    [{ cursor: 'has spaces' }, ['cursor: expected the nextCursor of an earlier page']],
  ])('answers bad query %j with a 400 problem listing each error', async (query, errors) => {
    const response = await list(query);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body).toEqual({
      type: 'https://verdict.dev/problems/invalid-query',
      title: 'Invalid query',
      status: 400,
      errors,
    });
  });

  it('answers a cursor it did not issue with a 400 problem, not a 500', async () => {
    const response = await list({ cursor: Buffer.from('999999').toString('base64url') });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: 'https://verdict.dev/problems/invalid-query',
      title: 'Invalid query',
      status: 400,
      detail: 'invalid decision cursor: pass back the nextCursor of an earlier page',
    });
  });
});

describe('GET /decisions/{id}', () => {
  it('returns the decision with its ledger index, inclusion proof and the checkpoint it is proved against', async () => {
    api.ledger.ids.push('decision/d-00', 'decision/d-02', 'decision/d-03');
    api.ledger.checkpointSize = 3;
    const response = await api.call('GET', '/decisions/d-02', { token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      ...(await api.decisions.get('d-02')),
      ledger: {
        index: 1,
        inclusionProof: expect.objectContaining({
          format: 'rfc9162-inclusion-proof',
          leafIndex: 1,
          treeSize: 3,
        }),
        checkpoint: { text: expect.stringContaining('\n3\n'), size: 3, rootHash: 'root3=' },
      },
    });
  });

  it('gives the index alone while no checkpoint covers the entry', async () => {
    api.ledger.ids.push('decision/d-01', 'decision/d-02');
    api.ledger.checkpointSize = 1;
    expect((await api.call('GET', '/decisions/d-02', { token })).body.ledger).toEqual({ index: 1 });
  });

  it('answers 409, serving nothing, when the read model diverges from the ledger (list too)', async () => {
    api.ledger.diverged.add('d-02');
    const one = await api.call('GET', '/decisions/d-02', { token });
    const problem = {
      type: 'https://verdict.dev/problems/read-model-diverges-from-the-ledger',
      title: 'Read model diverges from the ledger',
      status: 409,
      detail: '1 decision in the read model does not match the audit ledger; it is not served',
      errors: ['decision d-02 differs from its ledger entry'],
    };
    expect(one).toMatchObject({ status: 409, body: problem });
    expect(await api.call('GET', '/decisions', { token })).toMatchObject({ status: 409, body: problem });
    expect((await api.call('GET', '/decisions/d-01', { token })).status).toBe(200);
  });

  it('returns the decision as stored when no ledger is configured', async () => {
    const plain = apiFixture({ ledger: false });
    try {
      await plain.decisions.record(decision('d-1', at(1)));
      const response = await plain.as('auditor', 'GET', '/decisions/d-1');
      expect(response.body).toEqual(decision('d-1', at(1)));
    } finally {
      plain.close();
    }
  });

  it('answers an unknown id with 404 and a malformed one with 400', async () => {
    const missing = await api.call('GET', '/decisions/00000000-0000-0000-0000-000000000000', { token });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      type: 'https://verdict.dev/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'no decision 00000000-0000-0000-0000-000000000000',
    });
    const malformed = await api.call('GET', '/decisions/not_an*id', { token });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({
      type: 'https://verdict.dev/problems/invalid-path-parameter',
      title: 'Invalid path parameter',
      status: 400,
      errors: ['id: expected a decision id'],
    });
    const badEncoding = await api.call('GET', '/decisions/%E0%A4%A', { token });
    expect(badEncoding.status).toBe(400);
  });
});

describe('routing', () => {
  it('answers an unknown path with 404 and a wrong method with 405 and Allow, as problems', async () => {
    const unknown = await api.call('GET', '/nope', { token });
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toBe('application/problem+json');
    const wrong = await api.call('DELETE', '/decisions', { token });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET');
  });

  it('ignores a trailing slash', async () => {
    expect((await api.call('GET', '/decisions/', { token })).status).toBe(200);
  });
});

describe('GET /rejections', () => {
  it('lists rejections newest first for a compliance officer', async () => {
    await api.decisions.recordRejection({
      id: 'r-1',
      gate: 'model-registry',
      eventId: null,
      code: 'event.invalid',
      message: 'detail.ModelPackageArn: Required',
      rejectedAt: at(1),
    });
    const response = await api.as('compliance-officer', 'GET', '/rejections', { query: { limit: '5' } });
    expect(response.status).toBe(200);
    expect(response.body.rejections).toEqual([expect.objectContaining({ id: 'r-1', eventId: null })]);
  });
});
