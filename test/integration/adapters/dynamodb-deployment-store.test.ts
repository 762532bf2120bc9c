/**
 * The DynamoDB deployment store against the emulator through the real SDK client: the store contract
 * (conditional writes on the version, listings by decision and status), the item's documented key, listings
 * by target through the `by-target` index, the target claim's own item, and the saga's crash matrix case of a
 * write lost after it was applied.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbDeploymentStore } from '../../../functions/adapters/aws/dynamodb-deployment-store.ts';
import { applyDeployment } from '../../../functions/deployments/apply-deployment.ts';
import { endBake } from '../../../functions/deployments/end-bake.ts';
import { DeploymentBusyError } from '../../../functions/deployments/errors.ts';
import { requestDeployment } from '../../../functions/deployments/request-deployment.ts';
import { awsClientConfig, uniqueName } from '../../support/aws-clients.ts';
import { deploymentRecord } from '../../support/deployment-records.ts';
import { allowedRequest, LEASE_MS, sagaFixture } from '../../support/deployment-saga.ts';
import { deploymentStoreContract } from '../../support/deployment-store-contract.ts';
import { createDeploymentTable } from '../../support/deployment-table.ts';
import { installFaultInjection } from '../../support/fault-injection.ts';

const client = new DynamoDBClient(awsClientConfig(inject('motoEndpoint')));

async function freshStore(): Promise<{ store: DynamoDbDeploymentStore; tableName: string }> {
  const tableName = await createDeploymentTable(client, uniqueName('verdict-deployments'));
  return { store: new DynamoDbDeploymentStore(client, tableName), tableName };
}

describe('DynamoDbDeploymentStore against the emulator', () => {
  deploymentStoreContract(async () => (await freshStore()).store);

  it('keeps a deployment under its documented key, with its version and approving decision', async () => {
    const { store, tableName } = await freshStore();
    await store.put(deploymentRecord('d-1'), 0);
    const raw = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'DEPLOYMENT#d-1' } } }),
    );
    expect(raw.Item).toMatchObject({
      version: { N: '1' },
      status: { S: 'requested' },
      decisionId: { S: 'dec-1' },
      listPk: { S: 'DEPLOYMENTS' },
      listSk: { S: '2026-11-28T10:00:00.000Z#d-1' },
      target: { S: 'sagemaker:credit-scorer-prod' },
    });
  });

  it('keeps a target claim as its own item, with no index key: no index holds it', async () => {
    const { store, tableName } = await freshStore();
    expect(await store.claimTarget('sagemaker:credit-scorer-prod', 'd-1')).toBe(true);
    const raw = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'TARGET#sagemaker:credit-scorer-prod' } } }),
    );
    expect(raw.Item).toEqual({ pk: { S: 'TARGET#sagemaker:credit-scorer-prod' }, holder: { S: 'd-1' } });
    await store.releaseTarget('sagemaker:credit-scorer-prod', 'd-1');
    const gone = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'TARGET#sagemaker:credit-scorer-prod' } } }),
    );
    expect(gone.Item).toBeUndefined();
  });

  it('lists by target (with status and decision) in request order, page by page', async () => {
    const { store } = await freshStore();
    const at = (minute: number) => `2026-11-28T11:${String(minute).padStart(2, '0')}:00.000Z`;
    const onEndpoint = (
      id: string,
      endpointName: string,
      changes: Parameters<typeof deploymentRecord>[1],
    ) => {
      const record = deploymentRecord(id, changes);
      return {
        ...record,
        request: { ...record.request, target: { kind: 'sagemaker' as const, endpointName } },
      };
    };
    await store.put(onEndpoint('t-3', 'fraud', { requestedAt: at(3), status: 'baking' }), 0);
    await store.put(onEndpoint('t-1', 'credit', { requestedAt: at(1), status: 'baking' }), 0);
    await store.put(onEndpoint('t-2', 'credit', { requestedAt: at(2), status: 'promoted' }), 0);
    await store.put(
      onEndpoint('t-4', 'credit', { requestedAt: at(4), status: 'applying', decisionId: 'dec-9' }),
      0,
    );

    const ids = async (filter: Parameters<DynamoDbDeploymentStore['list']>[0]) => {
      const found: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({ ...filter, ...(cursor ? { cursor } : {}) });
        found.push(...page.deployments.map((d) => d.id));
        cursor = page.nextCursor;
      } while (cursor);
      return found;
    };
    expect(await ids({ filter: { target: 'sagemaker:credit' } })).toEqual(['t-1', 't-2', 't-4']);
    expect(await ids({ filter: { target: 'sagemaker:credit' }, limit: 1 })).toEqual(['t-1', 't-2', 't-4']);
    const inProgress = { target: 'sagemaker:credit', statuses: ['applying', 'baking'] as const };
    expect(await ids({ filter: inProgress, limit: 1 })).toEqual(['t-1', 't-4']);
    expect(await ids({ filter: { ...inProgress, decisionId: 'dec-9' } })).toEqual(['t-4']);
    expect(await ids({ filter: { target: 'sagemaker:fraud' } })).toEqual(['t-3']);
    expect(await ids({ filter: { target: 'sagemaker:none' } })).toEqual([]);
  });

  it('refuses a cursor it did not hand out', async () => {
    const { store } = await freshStore();
    await expect(store.list({ cursor: 'not-a-cursor' })).rejects.toThrow(/invalid deployment cursor/);
  });

  describe('under the saga, with a write whose answer is lost', () => {
    const faults = installFaultInjection();
    afterAll(() => faults.uninstall());

    it('converges: the applied write is found, the step redone once, one ledger entry each', async () => {
      const { store } = await freshStore();
      const f = await sagaFixture({ store: () => store });
      const { id } = await requestDeployment('req-1', allowedRequest, f.deps);
      // The plan step's second write (its result) is applied, then its answer is lost.
      faults.arm([{ command: 'PutItemCommand', calls: [2], fault: 'answer-lost' }]);
      await expect(applyDeployment(id, f.deps)).rejects.toThrow(/socket hang up/);
      faults.disarm();
      f.clock.advance(LEASE_MS);
      const baking = await applyDeployment(id, f.deps).catch(async (error: unknown) => {
        if (!(error instanceof DeploymentBusyError)) throw error;
        f.clock.advance(LEASE_MS);
        return applyDeployment(id, f.deps);
      });
      expect(baking.status).toBe('baking');
      f.clock.advance(600_000);
      const promoted = await endBake(id, f.deps);
      expect(promoted.status).toBe('promoted');
      expect((await f.entries(id)).map((e) => e.split('/').at(-1))).toEqual([
        'gate',
        'plan',
        'apply',
        'promote',
      ]);
      expect((await store.get(id))?.history.map((h) => h.step)).toEqual(['gate', 'plan', 'apply', 'promote']);
    });
  });
});
