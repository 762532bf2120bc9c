import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLocalPersonalData } from '../../../functions/adapters/local/ledger/personal-data.ts';
import { openApiDocument } from '../../../functions/api/api-routes.ts';
import { awsAuthenticator } from '../../../functions/api/auth/aws-principal.ts';
import { createApiRouter, MAX_REQUEST_BODY_BYTES } from '../../../functions/api/router.ts';
import {
  DEPLOYMENT_REQUESTED,
  DEPLOYMENT_ROLLBACK_REQUESTED,
} from '../../../functions/contracts/deployment-events.ts';
import { deploymentRequestSchema } from '../../../functions/contracts/deployment-request.ts';
import { DEPLOYMENT_STATUSES } from '../../../functions/contracts/deployment-status.ts';
import type { Role } from '../../../functions/contracts/principal.ts';
import { orchestrate } from '../../../functions/deployments/orchestrate.ts';
import { deploymentIdFor } from '../../../functions/deployments/request-deployment.ts';
import type { PublishedEvent } from '../../../functions/ports/event-publisher.ts';
import { type ApiFixture, apiEvent, apiFixture, iamEvent } from '../../support/api-fixture.ts';
import { deploymentRecord } from '../../support/deployment-records.ts';
import { eksRequest } from '../../support/deployment-requests.ts';
import { allowedRequest, sagaFixture } from '../../support/deployment-saga.ts';

let api: ApiFixture;

beforeEach(() => {
  api = apiFixture();
});

afterEach(() => api.close());

const request = (body: unknown, headers: Record<string, string> = {}, role: Role = 'deployer') =>
  api.as(role, 'POST', '/deployments', {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers,
  });

/** Runs the real orchestration on each event before publish returns, as the local bus does. */
async function runOrchestrationOnPublish(): Promise<void> {
  const saga = await sagaFixture();
  const deps = {
    ...saga.deps,
    store: api.deployments,
    targetEvents: [],
    events: { publish: async () => {} },
  };
  api.bus.deliver = async (event: PublishedEvent) => {
    await orchestrate({ source: event.source, 'detail-type': event.detailType, detail: event.detail }, deps);
  };
}

const invalidBody = (errors: string[]) => ({
  type: 'https://verdict.dev/problems/invalid-request-body',
  title: 'Invalid request body',
  status: 400,
  errors,
});

describe('POST /deployments', () => {
  it('publishes the request on the bus and answers 202 with the id and its Location (AWS)', async () => {
    const response = await request(allowedRequest, { 'idempotency-key': 'release-42' });
    const id = deploymentIdFor('release-42');
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ id, status: 'accepted' });
    expect(response.headers.location).toBe(`/deployments/${id}`);
    expect(api.bus.published).toEqual([
      {
        source: 'verdict',
        detailType: DEPLOYMENT_REQUESTED,
        detail: { requestId: 'release-42', request: deploymentRequestSchema.parse(allowedRequest) },
      },
    ]);
  });

  it('answers 201 with the deployment when the bus ran the orchestration before answering (verdict serve)', async () => {
    await runOrchestrationOnPublish();
    const response = await request(allowedRequest, { 'idempotency-key': 'release-42' });
    expect(response.status, response.text).toBe(201);
    expect(response.headers.location).toBe(`/deployments/${deploymentIdFor('release-42')}`);
    expect(response.body).toMatchObject({
      id: deploymentIdFor('release-42'),
      requestId: 'release-42',
      status: 'baking',
      request: deploymentRequestSchema.parse(allowedRequest),
      pending: null,
    });
    expect(response.body.history.map((h: { step: string }) => h.step)).toEqual(['gate', 'plan', 'apply']);
  });

  it('answers 200 with the deployment for the same key and body, publishing nothing', async () => {
    await runOrchestrationOnPublish();
    await request(allowedRequest, { 'idempotency-key': 'release-42' });
    const again = await request(allowedRequest, { 'idempotency-key': 'release-42' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(deploymentIdFor('release-42'));
    expect(api.bus.published).toHaveLength(1);
  });

  it('answers 409 for the same key with another body, publishing nothing', async () => {
    await api.deployments.put(
      { ...deploymentRecord(deploymentIdFor('release-42')), requestId: 'release-42' },
      0,
    );
    const response = await request(eksRequest, { 'idempotency-key': 'release-42' });
    expect(response.status).toBe(409);
    expect(response.body).toEqual({
      type: 'https://verdict.dev/problems/idempotency-key-reused',
      title: 'Idempotency key reused',
      status: 409,
      detail: `deployment ${deploymentIdFor('release-42')} was requested with another body under the same Idempotency-Key`,
    });
    expect(api.bus.published).toEqual([]);
  });

  it('asks for a new deployment on each call without an Idempotency-Key', async () => {
    const first = await request(allowedRequest);
    const second = await request(allowedRequest);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(first.body.id).not.toBe(second.body.id);
    const keys = api.bus.published.map((e) => (e.detail as { requestId: string }).requestId);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first.body.id).toBe(deploymentIdFor(keys[0] as string));
  });

  it.each([
    ['', 'idempotency-key: expected 1 to 200 characters of A-Z a-z 0-9 . _ : -'],
    ['a b', 'idempotency-key: expected 1 to 200 characters of A-Z a-z 0-9 . _ : -'],
    ['k'.repeat(201), 'idempotency-key: expected 1 to 200 characters of A-Z a-z 0-9 . _ : -'],
    ['../x/y', 'idempotency-key: expected 1 to 200 characters of A-Z a-z 0-9 . _ : -'],
  ])('answers the Idempotency-Key %j with a 400 problem', async (key, error) => {
    const response = await request(allowedRequest, { 'idempotency-key': key });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: 'https://verdict.dev/problems/invalid-header',
      title: 'Invalid header',
      status: 400,
      errors: [error],
    });
    expect(api.bus.published).toEqual([]);
  });

  it.each([
    [
      'a request without a target',
      { ...allowedRequest, target: undefined },
      ['target: Invalid input: expected object, received undefined'],
    ],
    [
      'an eks target on SageMaker instances',
      { ...allowedRequest, target: eksRequest.target },
      ['compute.kind: an eks target runs gpu-replicas'],
    ],
    ['an unknown field', { ...allowedRequest, replicas: 3 }, ['(root): Unrecognized key: "replicas"']],
  ])('answers %s with a 400 problem and publishes nothing', async (_case, body, errors) => {
    const response = await request(body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(invalidBody(errors));
    expect(api.bus.published).toEqual([]);
  });

  it.each([
    ['tags', '{"__proto__":"x"}', ['tags.__proto__: expected an AWS tag key']],
    ['__proto__', '{"admin":true}', ['(root): Unrecognized key: "__proto__"']],
  ])(
    'refuses a %s key of __proto__ with a 400 problem (JSON.parse keeps it; zod must not drop it)',
    async (name, value, errors) => {
      const rest = Object.fromEntries(Object.entries(allowedRequest).filter(([key]) => key !== name));
      const response = await request(`{"${name}":${value},${JSON.stringify(rest).slice(1)}`);
      expect(response.status).toBe(400);
      expect(response.body).toEqual(invalidBody(errors));
      expect(api.bus.published).toEqual([]);
    },
  );

  it('answers malformed JSON with 400, another media type with 415 and an oversized body with 413', async () => {
    expect((await request('{"target": ')).body.title).toBe('Malformed JSON');
    const form = await request('a=b', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    const large = await request({ ...allowedRequest, pad: 'x'.repeat(MAX_REQUEST_BODY_BYTES) });
    expect(large.status).toBe(413);
    expect(large.body.detail).toBe(`body exceeds ${MAX_REQUEST_BODY_BYTES} bytes`);
    expect(api.bus.published).toEqual([]);
  });

  it('answers 503 where the deployment store is not wired', async () => {
    api.close();
    api = apiFixture({ deployments: false });
    const response = await request(allowedRequest);
    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      type: 'https://verdict.dev/problems/deployments-not-configured',
      title: 'Deployments not configured',
      status: 503,
      detail: 'this deployment keeps no deployment records',
    });
    expect((await api.as('auditor', 'GET', '/deployments')).status).toBe(503);
  });
});

describe('who may request a deployment', () => {
  it('refuses an auditor (403) and a compliance officer, and lets a deployer and an admin ask', async () => {
    const auditor = await request(allowedRequest, {}, 'auditor');
    expect(auditor.status).toBe(403);
    expect(auditor.body.detail).toBe('role auditor may not call deployments.request');
    expect((await request(allowedRequest, {}, 'compliance-officer')).status).toBe(403);
    expect((await request(allowedRequest)).status).toBe(202);
    expect((await request(allowedRequest, {}, 'admin')).status).toBe(202);
  });

  it('refuses a deployer what a compliance officer does: granting exceptions (403)', async () => {
    const response = await api.as('deployer', 'POST', '/exceptions', {
      body: JSON.stringify({
        rule: 'bias.disparate_impact',
        model: 'credit-scorer',
        reason: 'Retraining with reweighted data is scheduled',
        expiresAt: '2026-06-30T00:00:00Z',
      }),
    });
    expect(response.status).toBe(403);
    expect(response.body.detail).toBe('role deployer may not call exceptions.grant');
  });

  it('lets a JWT caller in a deployer and a compliance-officer group do what either may', async () => {
    const router = createApiRouter({
      ...api.deps,
      authenticate: awsAuthenticator({
        roleMap: {},
        groupsClaim: 'groups',
        groupRoles: { releases: 'deployer', risk: 'compliance-officer' },
      }),
    });
    const jwt = (method: string, path: string, groups: string[], body?: unknown): APIGatewayProxyEventV2 => {
      const event = apiEvent(method, path, body === undefined ? {} : { body: JSON.stringify(body) });
      return {
        ...event,
        requestContext: {
          ...event.requestContext,
          authorizer: { jwt: { claims: { sub: 'carol', groups }, scopes: null } },
        } as APIGatewayProxyEventV2['requestContext'],
      };
    };
    const both = ['releases', 'risk'];
    expect((await router(jwt('POST', '/deployments', both, allowedRequest))).statusCode).toBe(202);
    expect((await router(jwt('GET', '/rejections', both))).statusCode).toBe(200);
    const admin = await router(jwt('GET', '/access-log', both));
    expect(admin.statusCode).toBe(403);
    expect(JSON.parse(admin.body ?? '{}').detail).toBe(
      'roles deployer, compliance-officer may not call access-log.list',
    );
    expect((await router(jwt('POST', '/deployments', ['risk'], allowedRequest))).statusCode).toBe(403);
  });
});

describe('who asked for a deployment', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/ml-deployers';
  const requestedBy = () => api.bus.published.map((e) => (e.detail as { requestedBy?: string }).requestedBy);

  it('seals a person (a JWT subject) before the request goes on the bus; a role goes in clear', async () => {
    const { personal, close } = openLocalPersonalData();
    const router = createApiRouter({
      ...api.deps,
      personal,
      authenticate: awsAuthenticator({
        roleMap: { [ROLE]: 'deployer' },
        groupsClaim: 'groups',
        groupRoles: { releases: 'deployer' },
      }),
    });
    const asCarol = apiEvent('POST', '/deployments', { body: JSON.stringify(allowedRequest) });
    const jwt = {
      ...asCarol,
      requestContext: {
        ...asCarol.requestContext,
        authorizer: { jwt: { claims: { sub: 'carol@example.com', groups: ['releases'] }, scopes: null } },
      } as APIGatewayProxyEventV2['requestContext'],
    };
    expect((await router(jwt)).statusCode).toBe(202);
    const signed = iamEvent('POST', '/deployments', ROLE);
    const iam = {
      ...signed,
      headers: { ...signed.headers, 'content-type': 'application/json' },
      body: JSON.stringify(allowedRequest),
    };
    expect((await router(iam)).statusCode).toBe(202);

    const [sealed, role] = requestedBy();
    expect(sealed).toMatch(/^sealed:ps1\./);
    expect(sealed).not.toContain('carol');
    expect(await personal.openField(sealed ?? '')).toBe('carol@example.com');
    expect(role).toBe(ROLE);
    close();
  });

  it('records no person where the API has no sealer: never in clear', async () => {
    expect((await request(allowedRequest)).status).toBe(202);
    expect(requestedBy()).toEqual([undefined]);
  });

  it('opens the requester for a reader of GET /deployments/{id}, and reads erased once forgotten', async () => {
    const { personal, close } = openLocalPersonalData();
    const router = createApiRouter({ ...api.deps, personal });
    const sealed = await personal.sealField('dan');
    await api.deployments.put({ ...deploymentRecord('dep-by'), requestedBy: sealed }, 0);
    const token = await api.token('auditor');
    const read = async () => {
      const event = apiEvent('GET', '/deployments/dep-by', { token });
      return JSON.parse((await router(event)).body ?? '{}').requestedBy;
    };
    expect(await read()).toBe('dan');
    await personal.keys.destroy(personal.pseudonym('dan'));
    expect(await read()).toBe(`erased (${personal.pseudonym('dan')})`);
    close();
  });
});

describe('GET /deployments', () => {
  beforeEach(async () => {
    const at = (m: number) => new Date(Date.UTC(2026, 10, 28, 10, m)).toISOString();
    await api.deployments.put(deploymentRecord('dep-1', { status: 'promoted', requestedAt: at(1) }), 0);
    await api.deployments.put(
      deploymentRecord('dep-2', { status: 'refused', decisionId: null, requestedAt: at(2) }),
      0,
    );
    await api.deployments.put(
      { ...deploymentRecord('dep-3', { status: 'baking', decisionId: 'dec-2', requestedAt: at(3) }) },
      0,
    );
    const eks = deploymentRecord('dep-4', { status: 'applying', requestedAt: at(4) });
    await api.deployments.put({ ...eks, request: deploymentRequestSchema.parse(eksRequest) }, 0);
  });

  const list = async (query: Record<string, string>) => {
    const response = await api.as('auditor', 'GET', '/deployments', { query });
    expect(response.status, response.text).toBe(200);
    return response.body as { deployments: { id: string }[]; nextCursor?: string };
  };
  const ids = async (query: Record<string, string>) => (await list(query)).deployments.map((d) => d.id);

  it('lists every deployment, oldest request first', async () => {
    expect(await ids({})).toEqual(['dep-1', 'dep-2', 'dep-3', 'dep-4']);
  });

  it('filters by statuses (a comma list, as API Gateway joins a repeated parameter), decision and target', async () => {
    expect(await ids({ status: 'promoted' })).toEqual(['dep-1']);
    expect(await ids({ status: 'baking,refused' })).toEqual(['dep-2', 'dep-3']);
    expect(await ids({ decisionId: 'dec-2' })).toEqual(['dep-3']);
    expect(await ids({ target: 'eks:ml-prod/serving/credit-scorer' })).toEqual(['dep-4']);
    expect(await ids({ target: 'sagemaker:credit-scorer-prod', status: 'promoted,applying' })).toEqual([
      'dep-1',
    ]);
  });

  it('tells a replaced deployment from the promoted one, and documents the status in its OpenAPI enum', async () => {
    const at = new Date(Date.UTC(2026, 10, 28, 10, 5)).toISOString();
    await api.deployments.put(deploymentRecord('dep-5', { status: 'replaced', requestedAt: at }), 0);
    expect(await ids({ status: 'replaced' })).toEqual(['dep-5']);
    expect(await ids({ status: 'promoted' })).toEqual(['dep-1']);
    expect(JSON.stringify(openApiDocument())).toContain(JSON.stringify([...DEPLOYMENT_STATUSES]));
    expect(DEPLOYMENT_STATUSES).toContain('replaced');
  });

  it('pages with limit and cursor until the cursor is missing', async () => {
    const first = await list({ limit: '3' });
    expect(first.deployments.map((d) => d.id)).toEqual(['dep-1', 'dep-2', 'dep-3']);
    const second = await list({ limit: '3', cursor: first.nextCursor as string });
    expect(second.deployments.map((d) => d.id)).toEqual(['dep-4']);
    expect(second.nextCursor).toBeUndefined();
  });

  it.each([
    [{ status: 'done' }, [expect.stringMatching(/^status\.0: Invalid option: expected one of "requested"/)]],
    [{ status: 'promoted,' }, [expect.stringMatching(/^status\.1: Invalid option/)]],
    [{ target: 'k8s:x' }, ['target: expected sagemaker:ENDPOINT or eks:CLUSTER/NAMESPACE/NAME']],
    [{ limit: '0' }, ['limit: Too small: expected number to be >=1']],
    [{ order: 'desc' }, ['(root): Unrecognized key: "order"']],
  ])('answers %j with a 400 problem', async (query, errors) => {
    const response = await api.as('auditor', 'GET', '/deployments', { query });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: 'https://verdict.dev/problems/invalid-query',
      title: 'Invalid query',
      status: 400,
      errors,
    });
  });

  it('answers a cursor it did not issue with a 400 problem', async () => {
    const response = await api.as('auditor', 'GET', '/deployments', {
      query: { cursor: 'bm90LWEtY3Vyc29y' },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: 'https://verdict.dev/problems/invalid-query',
      title: 'Invalid query',
      status: 400,
      detail: 'invalid deployment cursor: pass back a nextCursor',
    });
  });
});

describe('GET /deployments/{id}', () => {
  it('answers the deployment, naming the step that holds it but not its claim token', async () => {
    const record = deploymentRecord('dep-1', { status: 'applying' });
    await api.deployments.put(
      { ...record, pending: { step: 'apply', claimedAt: '2026-11-28T10:01:00.000Z', token: 'claim-secret' } },
      0,
    );
    const response = await api.as('auditor', 'GET', '/deployments/dep-1');
    expect(response.status).toBe(200);
    expect(response.body.pending).toEqual({ step: 'apply', claimedAt: '2026-11-28T10:01:00.000Z' });
    expect(response.text).not.toContain('claim-secret');
    const listed = await api.as('auditor', 'GET', '/deployments');
    expect(listed.text).not.toContain('claim-secret');
  });

  it('answers 404 for an id no deployment has', async () => {
    const response = await api.as('auditor', 'GET', '/deployments/dep-404');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      type: 'https://verdict.dev/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'no deployment dep-404',
    });
  });
});

describe('POST /deployments/{id}/rollback', () => {
  const rollback = (id: string, role: 'deployer' | 'auditor' = 'deployer') =>
    api.as(role, 'POST', `/deployments/${id}/rollback`);

  it('publishes the rollback and answers 202 with the id and its Location (AWS)', async () => {
    await api.deployments.put(deploymentRecord('dep-1', { status: 'promoted' }), 0);
    const response = await rollback('dep-1');
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ id: 'dep-1', status: 'accepted' });
    expect(response.headers.location).toBe('/deployments/dep-1');
    expect(api.bus.published).toEqual([
      { source: 'verdict', detailType: DEPLOYMENT_ROLLBACK_REQUESTED, detail: { deploymentId: 'dep-1' } },
    ]);
  });

  it('answers 200 with the deployment when the bus ran the rollback before answering (verdict serve)', async () => {
    await runOrchestrationOnPublish();
    const requested = await request(allowedRequest, { 'idempotency-key': 'release-7' });
    expect(requested.body.status).toBe('baking');
    const response = await rollback(requested.body.id);
    expect(response.status, response.text).toBe(200);
    expect(response.body.status).toBe('rolled-back');
    expect(response.body.history.at(-1).step).toBe('rollback');
  });

  it('answers 404 for an id no deployment has and 409 for a deployment with nothing to roll back', async () => {
    const missing = await rollback('dep-404');
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe('no deployment dep-404');
    await api.deployments.put(deploymentRecord('dep-2', { status: 'refused' }), 0);
    const refused = await rollback('dep-2');
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      type: 'https://verdict.dev/problems/not-rollbackable',
      title: 'Not rollbackable',
      status: 409,
      detail:
        'deployment dep-2 is refused: only applying, baking, promoted, replaced, rolling-back deployments roll back',
    });
    expect(api.bus.published).toEqual([]);
  });

  it('refuses an auditor (403)', async () => {
    await api.deployments.put(deploymentRecord('dep-1', { status: 'promoted' }), 0);
    const response = await rollback('dep-1', 'auditor');
    expect(response.status).toBe(403);
    expect(response.body.detail).toBe('role auditor may not call deployments.rollback');
    expect(api.bus.published).toEqual([]);
  });
});
