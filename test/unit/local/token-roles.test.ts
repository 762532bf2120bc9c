/** `verdict token create --role deployer`: a token the local server takes, with the deployer's permissions. */
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalServer } from '../../../functions/local/http/server.ts';
import { openLocalRuntimeAt } from '../../../functions/local/runtime.ts';
import { runCli } from '../../support/cli.ts';

describe('verdict token create --role deployer', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'verdict-token-roles-'));
  const runtime = openLocalRuntimeAt(dataDir);
  const server = createLocalServer(runtime);
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await runtime.close();
  });

  it('issues a deployer token that reads the record and may not grant exceptions', async () => {
    const created = await runCli([
      'token',
      'create',
      '--role',
      'deployer',
      '--subject',
      'dan',
      '--data-dir',
      dataDir,
    ]);
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    expect((await fetch(`${base}/decisions`, { headers })).status).toBe(200);
    const grant = await fetch(`${base}/exceptions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        rule: 'bias.disparate_impact',
        model: 'credit-scorer',
        reason: 'Retraining with reweighted data is scheduled',
        expiresAt: '2099-06-30T00:00:00Z',
      }),
    });
    expect(grant.status).toBe(403);
    expect(await grant.json()).toMatchObject({ detail: 'role deployer may not call exceptions.grant' });
  }, 60_000);

  it('refuses an unknown role, naming the four', async () => {
    const refused = await runCli(['token', 'create', '--role', 'root', '--data-dir', dataDir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'verdict: --role root: expected one of auditor, deployer, compliance-officer, admin\n',
    );
  }, 60_000);
});
