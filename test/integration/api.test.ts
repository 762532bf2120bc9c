/**
 * The auditor API on its AWS adapters against the emulator: decisions and the access log in the
 * DynamoDB decisions table, the inventory from the SageMaker Model Registry, callers mapped from IAM.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbAccessLog } from '../../functions/adapters/aws/dynamodb-access-log.ts';
import { DynamoDbDecisionStore } from '../../functions/adapters/aws/dynamodb-decision-store.ts';
import { SageMakerModelCatalog } from '../../functions/adapters/aws/sagemaker-model-catalog.ts';
import { awsAuthenticator } from '../../functions/api/auth/aws-principal.ts';
import { type ApiRouter, createApiRouter } from '../../functions/api/router.ts';
import type { Decision } from '../../functions/contracts/decision.ts';
import { iamEvent } from '../support/api-fixture.ts';
import { awsClientConfig, uniqueName } from '../support/aws-clients.ts';
import { createDecisionTable } from '../support/decision-table.ts';
import { decision, modelPackage } from '../support/decisions.ts';

const config = awsClientConfig(inject('motoEndpoint'));
const dynamodb = new DynamoDBClient(config);
const sagemaker = new SageMakerClient(config);
const prefix = uniqueName('api')
  .toLowerCase()
  .replace(/[^a-z0-9-]/g, '-')
  .slice(0, 30);
const ADMIN = 'arn:aws:iam::123456789012:role/VerdictAdmins';
const AUDITOR = 'arn:aws:iam::123456789012:role/Auditors';

let router: ApiRouter;
let store: DynamoDbDecisionStore;
let accessLog: DynamoDbAccessLog;
const arns: Record<string, string> = {};

const at = (m: number) => new Date(Date.UTC(2026, 4, 1, 0, m)).toISOString();

/** A decision about `group` v`version`, under its registry ARN once the emulator has one. */
function decisionAbout(
  id: string,
  minute: number,
  group: string,
  version: number,
  overrides: Partial<Decision> = {},
): Decision {
  const arn = arns[`${group}/${version}`];
  return decision(id, at(minute), {
    subject: { ...modelPackage(group, version), ...(arn && { id: arn }) },
    ...overrides,
  });
}

/** A call signed by a session of the IAM role `arn`. */
function asRole(arn: string, method: string, path: string, query?: Record<string, string>) {
  const session = `${arn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/session`;
  return iamEvent(method, path, session, query);
}

async function call(arn: string, path: string, query?: Record<string, string>) {
  const response = await router(asRole(arn, 'GET', path, query));
  return { status: response.statusCode, body: JSON.parse(response.body ?? 'null') };
}

beforeAll(async () => {
  const table = await createDecisionTable(dynamodb, uniqueName('verdict-api'));
  store = new DynamoDbDecisionStore(dynamodb, table);
  accessLog = new DynamoDbAccessLog(dynamodb, table);
  const group = `${prefix}-credit`;
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  for (const version of [1, 2]) {
    const out = await sagemaker.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: group,
        ModelApprovalStatus: version === 1 ? 'Approved' : 'PendingManualApproval',
        InferenceSpecification: {
          Containers: [{ Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/credit:1' }],
          SupportedContentTypes: ['text/csv'],
          SupportedResponseMIMETypes: ['text/csv'],
        },
      }),
    );
    arns[`${group}/${version}`] = out.ModelPackageArn ?? '';
  }
  for (let i = 0; i < 12; i++) {
    await store.record(
      decisionAbout(`d-${String(i).padStart(2, '0')}`, i, i % 3 === 0 ? group : 'other-model', (i % 2) + 1, {
        decision: i % 4 === 0 ? 'allow' : 'deny',
      }),
    );
  }
  router = createApiRouter({
    decisions: store,
    exceptions: store,
    models: new SageMakerModelCatalog(sagemaker, prefix),
    accessLog,
    authenticate: awsAuthenticator({ roleMap: { [ADMIN]: 'admin', [AUDITOR]: 'auditor' } }),
    now: () => new Date(),
  });
});

describe('the auditor API on DynamoDB and SageMaker (emulator)', () => {
  it('filters decisions through the by-time index and pages them with a stable cursor', async () => {
    const group = `${prefix}-credit`;
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call(AUDITOR, '/decisions', { model: group, limit: '2', ...(cursor && { cursor }) });
      expect(page.status).toBe(200);
      seen.push(...page.body.decisions.map((d: Decision) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['d-00', 'd-03', 'd-06', 'd-09']);

    const ranged = await call(AUDITOR, '/decisions', {
      from: at(3),
      to: at(6),
      decision: 'deny',
      order: 'desc',
    });
    expect(ranged.body.decisions.map((d: Decision) => d.id)).toEqual(['d-05', 'd-03']);
    const one = await call(AUDITOR, '/decisions/d-03');
    expect(one.body.id).toBe('d-03');
  });

  it('builds the inventory and history from the registry and the decisions', async () => {
    const group = `${prefix}-credit`;
    const inventory = await call(AUDITOR, '/models');
    expect(inventory.status).toBe(200);
    expect(inventory.body.models).toEqual([
      expect.objectContaining({
        model: group,
        version: '1',
        approvalStatus: 'Approved',
        lastDecision: expect.objectContaining({ id: 'd-06' }),
      }),
      expect.objectContaining({
        model: group,
        version: '2',
        approvalStatus: 'PendingManualApproval',
        lastDecision: expect.objectContaining({ id: 'd-09' }),
      }),
    ]);
    const history = await call(AUDITOR, `/models/${group}/history`);
    expect(
      history.body.versions.map((v: { version: string; decisions: Decision[] }) => [
        v.version,
        v.decisions.map((d) => d.id),
      ]),
    ).toEqual([
      ['1', ['d-00', 'd-06']],
      ['2', ['d-03', 'd-09']],
    ]);
  });

  it("lists a model's exceptions, its versions' included, with their status; a revoked one shows revoked", async () => {
    const group = `${prefix}-credit`;
    const waiver = (id: string, subject: string, grantedAt: string) => ({
      id,
      rule: 'bias.disparate_impact',
      subject,
      reason: 'sealed:reason',
      approver: 'sealed:approver',
      expiresAt: '2099-01-01T00:00:00Z',
      grantedAt,
    });
    await store.grant(waiver('x-1', group, at(1)));
    await store.grant(waiver('x-2', arns[`${group}/2`] as string, at(2)));
    await store.grant(waiver('x-3', 'other-model', at(3)));
    await store.revoke('x-1', { revokedAt: at(4), revokedBy: 'sealed:by', revocationReason: 'sealed:why' });

    const listed = await call(AUDITOR, '/exceptions', { model: group });
    expect(listed.status).toBe(200);
    expect(listed.body.exceptions.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([
      ['x-1', 'revoked'],
      ['x-2', 'active'],
    ]);
    const one = await call(AUDITOR, '/exceptions', { model: arns[`${group}/2`] as string });
    expect(one.body.exceptions.map((e: { id: string }) => e.id)).toEqual(['x-2']);
    const inventory = await call(AUDITOR, '/models', { model: group });
    expect(
      inventory.body.models.map((m: { openExceptions: { id: string }[] }) =>
        m.openExceptions.map((e) => e.id),
      ),
    ).toEqual([[], ['x-2']]);
    expect((await call(AUDITOR, '/exceptions')).status).toBe(400);
  });

  it('answers 503 to a grant: the API in AWS writes nothing in the ledger, exceptions are granted with the CLI', async () => {
    const event = asRole(ADMIN, 'POST', '/exceptions');
    const body = {
      rule: 'bias.disparate_impact',
      model: `${prefix}-credit`,
      reason: 'Retraining with reweighted data is scheduled',
      expiresAt: '2026-12-31T00:00:00Z',
    };
    const response = await router({
      ...event,
      headers: { ...event.headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.statusCode).toBe(503);
  });

  it('records every call in the access log items of the table, readable by an admin only', async () => {
    const auditorAsks = await call(AUDITOR, '/access-log');
    expect(auditorAsks.status).toBe(403);
    const log = await call(ADMIN, '/access-log', { limit: '1000' });
    expect(log.status).toBe(200);
    const routes = log.body.records.map((r: { route: string; status: number }) => `${r.route} ${r.status}`);
    expect(routes).toContain('decisions.list 200');
    expect(routes).toContain('access-log.list 403');
    expect(log.body.records[0].principal).toEqual({
      id: expect.stringMatching(/^arn:aws:sts::123456789012:assumed-role\/Auditors\/session$/),
      role: 'auditor',
      via: 'iam',
    });
    const paged = await accessLog.list({ limit: 2 });
    expect(paged.records).toHaveLength(2);
    const next = await accessLog.list({ limit: 2, cursor: paged.nextCursor });
    expect(next.records[0]?.id).not.toBe(paged.records[0]?.id);
    // Decisions are unaffected by access items in the same table.
    expect((await store.list({ limit: 1000 })).decisions).toHaveLength(12);
  });
});
