/**
 * The Lambda entry (functions/api/handler.ts) with API Gateway HTTP API v2 events: IAM (SigV4) and JWT
 * callers mapped to roles by configuration, DynamoDB, KMS and SageMaker mocked.
 */
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  ListModelPackageGroupsCommand,
  ListModelPackagesCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { canonicalPrincipalArn } from '../../../functions/api/auth/aws-identity.ts';
import { awsAuthenticator, claimValues } from '../../../functions/api/auth/aws-principal.ts';
import type { ApiHandler } from '../../../functions/api/create-handler.ts';
import { localLambdaContext } from '../../../functions/local/lambda-context.ts';
import { apiEvent, at, decision, iamEvent } from '../../support/api-fixture.ts';
import { deploymentRecord } from '../../support/deployment-records.ts';
import { sagemakerRequest } from '../../support/deployment-requests.ts';

// A hand-written ledger reader: this file is about callers and roles; the ledger's own checks run against
// real stores in the ledger and API tests. Every decision listed is taken to be the one its entry holds.
vi.mock('../../../functions/adapters/aws/ledger/open.ts', async (original) => ({
  ...(await original<object>()),
  openAwsLedger: () => ({
    reader: {
      latestCheckpoint: async () => undefined,
      proveInclusion: async () => Promise.reject(new RangeError('no ledger in this test')),
      proveConsistency: async () => Promise.reject(new RangeError('no ledger in this test')),
      indexOfEntry: async () => undefined,
      vouchForDecision: async () => ({ index: 0, leafHash: 'leaf0=' }),
    },
  }),
}));

const AUDITORS = 'arn:aws:iam::123456789012:role/teams/Auditors';
const OFFICERS = 'arn:aws:iam::123456789012:role/ComplianceOfficers';
const DEPLOYERS = 'arn:aws:iam::123456789012:role/Deployers';

const dynamo = mockClient(DynamoDBDocumentClient);
const sagemaker = mockClient(SageMakerClient);
const kms = mockClient(KMSClient);
const SUBJECT_KEYS = 'subject-keys';
const context: Context = localLambdaContext('auditor-api', 29);
let handler: ApiHandler;

function jwtEvent(path: string, claims: Record<string, unknown>): APIGatewayProxyEventV2 {
  const event = apiEvent('GET', path);
  return {
    ...event,
    requestContext: { ...event.requestContext, authorizer: { jwt: { claims, scopes: null } } },
  } as APIGatewayProxyEventV2;
}

const parse = (r: APIGatewayProxyStructuredResultV2) => JSON.parse(r.body ?? 'null');

const jsonBody = (body: unknown) => ({
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json' },
});

beforeAll(async () => {
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    VERDICT_ENVIRONMENT: 'test',
    VERDICT_DECISIONS_TABLE: 'decisions',
    VERDICT_MODEL_PACKAGE_GROUP_PREFIX: 'credit-',
    VERDICT_API_ROLE_MAP: JSON.stringify({
      [AUDITORS]: 'auditor',
      [OFFICERS]: 'compliance-officer',
      [DEPLOYERS]: 'deployer',
    }),
    VERDICT_DEPLOYMENTS_TABLE: 'deployments',
    VERDICT_API_JWT_GROUP_ROLES: JSON.stringify({ 'risk-team': 'compliance-officer' }),
    VERDICT_SUBJECT_KEYS_TABLE: SUBJECT_KEYS,
    VERDICT_SUBJECT_KEYS_KEY_ID: 'alias/verdict-subject-keys',
  });
  ({ handler } = await import('../../../functions/api/handler.ts'));
});

beforeEach(() => {
  dynamo.reset();
  sagemaker.reset();
  dynamo.on(PutCommand).resolves({});
  // No subject key yet: each one is generated (KMS) and stored wrapped.
  dynamo.on(GetCommand, { TableName: SUBJECT_KEYS }).resolves({});
  kms.reset();
  kms.on(GenerateDataKeyCommand).resolves({
    Plaintext: new Uint8Array(32).fill(7),
    CiphertextBlob: new Uint8Array([1, 2, 3]),
    KeyId: 'arn:aws:kms:eu-west-1:123456789012:key/subject-keys',
  });
});

/** The access records the handler wrote (the subject keys table also receives puts). */
const accessPuts = () =>
  dynamo.commandCalls(PutCommand).filter((c) => c.args[0].input.TableName === 'decisions');

describe('the API Lambda handler', () => {
  it('maps an assumed-role session of a mapped role to its Verdict role, queries DynamoDB and logs the call', async () => {
    const stored = decision('d-1', at(1));
    dynamo.on(QueryCommand).resolves({
      Items: [
        {
          pk: 'DECISION#d-1',
          sk: 'DECISION',
          listPk: 'DECISIONS',
          listSk: `${at(1)}#d-1`,
          decision: stored,
        },
      ],
    });
    const response = await handler(
      iamEvent('GET', '/decisions', 'arn:aws:sts::123456789012:assumed-role/Auditors/alice', {
        model: 'credit-scorer',
        limit: '10',
      }),
      context,
    );
    expect(response.statusCode).toBe(200);
    expect(parse(response)).toEqual({ decisions: [stored] });

    const query = dynamo.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query).toMatchObject({
      TableName: 'decisions',
      IndexName: 'by-time',
      KeyConditionExpression: 'listPk = :listPk',
      FilterExpression: '#decision.#subject.#group = :model',
      ExpressionAttributeValues: { ':listPk': 'DECISIONS', ':model': 'credit-scorer' },
    });
    const [put] = accessPuts();
    // Who called is personal data (here the session name): sealed under the caller's key, never in clear.
    expect(JSON.stringify(put?.args[0].input)).not.toContain('alice');
    expect(put?.args[0].input).toMatchObject({
      TableName: 'decisions',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: expect.stringMatching(/^ACCESS#req-/),
        sk: 'ACCESS',
        listPk: 'ACCESS',
        access: {
          principal: {
            id: expect.stringMatching(/^sealed:ps1\./),
            role: 'auditor',
            via: 'iam',
          },
          method: 'GET',
          route: 'decisions.list',
          query: { model: 'credit-scorer', limit: '10' },
          status: 200,
        },
      },
    });
  });

  it('reads deployments from the deployments table, and answers 503 to a request without a bus to send it on', async () => {
    const record = deploymentRecord('dep-1', { status: 'applying' });
    const pending = { step: 'apply', claimedAt: at(2), token: 'claim-secret' };
    dynamo
      .on(GetCommand, { TableName: 'deployments' })
      .resolves({ Item: { pk: 'DEPLOYMENT#dep-1', body: JSON.stringify({ ...record, pending }) } });
    const deployer = 'arn:aws:sts::123456789012:assumed-role/Deployers/dan';
    const read = await handler(iamEvent('GET', '/deployments/dep-1', deployer), context);
    expect(read.statusCode).toBe(200);
    expect(parse(read).pending).toEqual({ step: 'apply', claimedAt: at(2) });
    expect(read.body).not.toContain('claim-secret');
    const asked = await handler(
      { ...iamEvent('POST', '/deployments', deployer), ...jsonBody({}) } as APIGatewayProxyEventV2,
      context,
    );
    expect(asked.statusCode).toBe(400);
    const valid = await handler(
      {
        ...iamEvent('POST', '/deployments', deployer),
        ...jsonBody(sagemakerRequest),
      } as APIGatewayProxyEventV2,
      context,
    );
    expect(valid.statusCode).toBe(503);
    expect(parse(valid).detail).toBe('this deployment has no event bus to send it to');
  });

  it('answers 403 to an IAM principal missing from the role map, and to a role without the permission', async () => {
    const stranger = await handler(
      iamEvent('GET', '/decisions', 'arn:aws:iam::123456789012:user/mallory'),
      context,
    );
    expect(stranger.statusCode).toBe(403);
    expect(parse(stranger).detail).toBe('this IAM principal has no Verdict role');
    const auditor = await handler(
      iamEvent('GET', '/rejections', 'arn:aws:sts::123456789012:assumed-role/Auditors/alice'),
      context,
    );
    expect(auditor.statusCode).toBe(403);
    expect(accessPuts()).toHaveLength(2); // both refusals are logged
  });

  it('answers 401 when API Gateway passed no verified identity, 404 from DynamoDB as a problem', async () => {
    const anonymous = await handler(apiEvent('GET', '/decisions'), context);
    expect(anonymous.statusCode).toBe(401);
    dynamo.on(GetCommand).resolves({});
    const missing = await handler(
      iamEvent('GET', '/decisions/d-404', 'arn:aws:sts::123456789012:assumed-role/ComplianceOfficers/bob'),
      context,
    );
    expect(missing.statusCode).toBe(404);
    expect(missing.headers?.['content-type']).toBe('application/problem+json');
  });

  it('maps JWT groups (cognito:groups) to roles, and reads the inventory from SageMaker', async () => {
    sagemaker.on(ListModelPackageGroupsCommand).resolves({
      ModelPackageGroupSummaryList: [
        {
          ModelPackageGroupName: 'credit-scorer',
          ModelPackageGroupArn: 'arn',
          CreationTime: new Date(),
          ModelPackageGroupStatus: 'Completed',
        },
        {
          ModelPackageGroupName: 'sandbox-x',
          ModelPackageGroupArn: 'arn2',
          CreationTime: new Date(),
          ModelPackageGroupStatus: 'Completed',
        },
      ],
    });
    sagemaker.on(ListModelPackagesCommand).resolves({
      ModelPackageSummaryList: [
        {
          ModelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/credit-scorer/1',
          ModelPackageGroupName: 'credit-scorer',
          ModelPackageVersion: 1,
          ModelApprovalStatus: 'Approved',
          ModelPackageStatus: 'Completed',
          CreationTime: new Date('2026-01-01T00:00:00Z'),
        },
      ],
    });
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const response = await handler(
      jwtEvent('/models', { sub: 'u-1', 'cognito:username': 'carol', 'cognito:groups': '[risk-team other]' }),
      context,
    );
    expect(response.statusCode).toBe(200);
    expect(parse(response).models).toEqual([
      expect.objectContaining({
        model: 'credit-scorer',
        version: '1',
        approvalStatus: 'Approved',
        deployments: [],
      }),
    ]);
    expect(sagemaker.commandCalls(ListModelPackagesCommand)).toHaveLength(1); // sandbox-x is outside the prefix
    const noGroup = await handler(
      jwtEvent('/models', { sub: 'u-2', 'cognito:groups': '[interns]' }),
      context,
    );
    expect(noGroup.statusCode).toBe(403);
  });

  it('serves /health and /openapi.json without an identity', async () => {
    expect((await handler(apiEvent('GET', '/health'), context)).statusCode).toBe(200);
    expect(parse(await handler(apiEvent('GET', '/openapi.json'), context)).openapi).toBe('3.1.0');
  });
});

describe('IAM principal mapping', () => {
  it('reduces sessions and paths to the role or user they stand for', () => {
    expect(canonicalPrincipalArn('arn:aws:sts::123456789012:assumed-role/Auditors/alice@example.com')).toBe(
      'arn:aws:iam::123456789012:role/Auditors',
    );
    expect(canonicalPrincipalArn('arn:aws:iam::123456789012:role/teams/audit/Auditors')).toBe(
      'arn:aws:iam::123456789012:role/Auditors',
    );
    expect(canonicalPrincipalArn('arn:aws-us-gov:iam::123456789012:user/ops/bob')).toBe(
      'arn:aws-us-gov:iam::123456789012:user/bob',
    );
    expect(canonicalPrincipalArn('arn:aws:iam::123456789012:root')).toBeUndefined();
    expect(canonicalPrincipalArn('Auditors')).toBeUndefined();
  });

  it('does not map a same-named role of another account', async () => {
    const authenticate = awsAuthenticator({ roleMap: { [AUDITORS]: 'auditor' } });
    const other = await authenticate(
      iamEvent('GET', '/decisions', 'arn:aws:sts::999999999999:assumed-role/Auditors/eve'),
    );
    expect(other.kind).toBe('no-role');
  });

  it('refuses a role map entry that is not an IAM role or user ARN', () => {
    expect(() => awsAuthenticator({ roleMap: { 'role/Auditors': 'auditor' } })).toThrow(
      /not an IAM role or user ARN/,
    );
  });

  it('reads group claims in the forms API Gateway passes them, and takes the most privileged role', async () => {
    expect(claimValues(['a', 'b'])).toEqual(['a', 'b']);
    expect(claimValues('[a b]')).toEqual(['a', 'b']);
    expect(claimValues('["a","b"]')).toEqual(['a', 'b']);
    expect(claimValues('a,b')).toEqual(['a', 'b']);
    expect(claimValues(undefined)).toEqual([]);
    const authenticate = awsAuthenticator({
      roleMap: {},
      groupsClaim: 'groups',
      groupRoles: { 'audit-team': 'auditor', 'platform-admins': 'admin' },
    });
    const both = await authenticate(
      jwtEvent('/decisions', { sub: 'x', groups: ['audit-team', 'platform-admins', 'constructor'] }),
    );
    expect(both).toEqual({ kind: 'principal', principal: { id: 'x', role: 'admin', via: 'jwt' } });
  });

  it('maps JWT groups to roles only through explicit configuration: a group named "admin" gets nothing', async () => {
    const authenticate = awsAuthenticator({ roleMap: {}, groupsClaim: 'groups', groupRoles: {} });
    expect(
      await authenticate(
        jwtEvent('/decisions', { sub: 'x', groups: ['admin', 'auditor', 'compliance-officer'] }),
      ),
    ).toEqual({ kind: 'no-role', caller: 'x', detail: 'no group in groups maps to a Verdict role' });
  });
});
