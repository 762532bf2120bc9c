import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture } from '../../support/api-fixture.ts';

let api: ApiFixture;

beforeEach(() => {
  api = apiFixture();
  api.ledger.ids.push('decision/a', 'decision/b', 'decision/c', 'decision/d');
  api.ledger.checkpointSize = 4;
});

afterEach(() => api.close());

describe('ledger routes', () => {
  it('serves the latest checkpoint, and 404 before the first one', async () => {
    const response = await api.as('auditor', 'GET', '/ledger/checkpoint');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ text: expect.stringContaining('\n4\n'), size: 4, rootHash: 'root4=' });
    api.ledger.checkpointSize = 0;
    const none = await api.as('auditor', 'GET', '/ledger/checkpoint');
    expect(none.status).toBe(404);
  });

  it('proves inclusion, at the latest checkpoint by default or at a given size', async () => {
    const latest = await api.as('auditor', 'GET', '/ledger/proofs/inclusion', { query: { index: '2' } });
    expect(latest.body).toMatchObject({ leafIndex: 2, treeSize: 4 });
    const sized = await api.as('auditor', 'GET', '/ledger/proofs/inclusion', {
      query: { index: '0', size: '3' },
    });
    expect(sized.body).toMatchObject({ leafIndex: 0, treeSize: 3 });
  });

  it('proves consistency between two sizes', async () => {
    const response = await api.as('auditor', 'GET', '/ledger/proofs/consistency', {
      query: { from: '2', to: '4' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ format: 'rfc9162-consistency-proof', size1: 2, size2: 4 });
  });

  it.each([
    ['/ledger/proofs/inclusion', {}, ['index: Invalid input: expected string, received undefined']],
    ['/ledger/proofs/inclusion', { index: '-1' }, ['index: expected a decimal integer']],
    ['/ledger/proofs/inclusion', { index: '3', size: '3' }, ['index: must be below size']],
    ['/ledger/proofs/consistency', { from: '4', to: '2' }, ['from: must not exceed to']],
    ['/ledger/proofs/consistency', { from: '1' }, ['to: Invalid input: expected string, received undefined']],
  ])('%s %j is a 400 problem', async (path, query, errors) => {
    const response = await api.as('auditor', 'GET', path, { query });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: 'https://verdict.dev/problems/invalid-query',
      title: 'Invalid query',
      status: 400,
      errors,
    });
  });

  it("answers the ledger's own range errors (sizes it does not have) with 400", async () => {
    const response = await api.as('auditor', 'GET', '/ledger/proofs/inclusion', {
      query: { index: '1', size: '99' },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: 'https://verdict.dev/problems/invalid-proof-request',
      title: 'Invalid proof request',
      status: 400,
      detail: 'entry index 1 is not below tree size 99',
    });
  });

  it('answers 503 "ledger not configured" when no ledger is wired', async () => {
    const bare = apiFixture({ ledger: false });
    try {
      for (const [path, query] of [
        ['/ledger/checkpoint', {}],
        ['/ledger/proofs/inclusion', { index: '0' }],
        ['/ledger/proofs/consistency', { from: '0', to: '1' }],
      ] as const) {
        const response = await bare.as('auditor', 'GET', path, { query });
        expect(response.status, path).toBe(503);
        expect(response.body).toEqual({
          type: 'https://verdict.dev/problems/ledger-not-configured',
          title: 'Ledger not configured',
          status: 503,
          detail: 'this deployment serves no audit ledger yet',
        });
      }
    } finally {
      bare.close();
    }
  });
});
