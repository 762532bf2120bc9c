/**
 * `verdict serve`'s deployment routes over the local runtime: the in-process bus runs the orchestration
 * before `POST /deployments` answers, so the deployment comes back recorded (201), not merely accepted.
 */
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateTokenSigningKey } from '../../../../functions/adapters/local/token-key-file.ts';
import { issueToken } from '../../../../functions/api/auth/bearer-tokens.ts';
import type { PersonalData } from '../../../../functions/ledger/personal-data.ts';
import { createLocalServer } from '../../../../functions/local/http/server.ts';
import { openLocalRuntimeAt } from '../../../../functions/local/runtime.ts';
import { sagemakerRequest } from '../../../support/deployment-requests.ts';

describe('deployment routes of the local server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'verdict-deployment-routes-'));
  const runtime = openLocalRuntimeAt(dataDir);
  const server = createLocalServer(runtime);
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await runtime.close();
  });

  it('answers 201 with the gate-decided deployment, 200 for the same key, and 409 to its rollback', async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const key = loadOrCreateTokenSigningKey(dataDir);
    const { token } = await issueToken(key.privateKey, { role: 'deployer', subject: 'dan', ttlSeconds: 600 });
    const headers = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': 'release-1',
    };
    const ask = () =>
      fetch(`${base}/deployments`, { method: 'POST', headers, body: JSON.stringify(sagemakerRequest) });

    const first = await ask();
    expect(first.status).toBe(201);
    const deployment = (await first.json()) as { id: string; status: string; explanations: string[] };
    expect(first.headers.get('location')).toBe(`/deployments/${deployment.id}`);
    // Nothing registered this model version: the gate refuses it, and the refusal is the record.
    expect(deployment.status).toBe('refused');
    expect(deployment.explanations[0]).toMatch(/^deployment\.approval_missing: /);

    const again = await ask();
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(deployment.id);

    // Who asked: the token's subject, sealed in the record, opened for a reader, erased once forgotten.
    expect((deployment as { requestedBy?: string }).requestedBy).toBe('dan');
    const stored = await runtime.deployments.get(deployment.id);
    expect(stored?.requestedBy).toMatch(/^sealed:ps1\./);
    expect(stored?.requestedBy).not.toContain('dan');
    const read = async () => {
      const got = await fetch(`${base}/deployments/${deployment.id}`, { headers });
      return ((await got.json()) as { requestedBy?: string }).requestedBy;
    };
    expect(await read()).toBe('dan');
    const listed = await fetch(`${base}/deployments`, { headers });
    const page = (await listed.json()) as { deployments: { requestedBy?: string }[] };
    expect(page.deployments.map((d) => d.requestedBy)).toEqual(['dan']);
    const personal = runtime.personal as PersonalData;
    await personal.keys.destroy(personal.pseudonym('dan'));
    expect(await read()).toBe(`erased (${personal.pseudonym('dan')})`);

    const rollback = await fetch(`${base}/deployments/${deployment.id}/rollback`, {
      method: 'POST',
      headers,
    });
    expect(rollback.status).toBe(409);
    expect(((await rollback.json()) as { title: string }).title).toBe('Not rollbackable');
  }, 60_000);
});
