/**
 * The EKS access-entry token end to end against real components: a kube-apiserver of its own that asks a
 * TokenReview webhook about bearer tokens (test/support/eks-token-webhook.ts), the webhook replaying the
 * token's presigned STS request to the AWS emulator, and credentials from the emulator's STS AssumeRole.
 * The deployer role's access entry maps it to a user in the group `verdict:deployers`, which RBAC lets
 * deploy in one namespace; the EKS target plans and applies there with nothing but the token.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { AuthenticationV1Api, type KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubernetesApiStatus } from '../../../functions/adapters/kubernetes/api-status.ts';
import { DeploymentRefusedError } from '../../../functions/adapters/kubernetes/deployment-errors.ts';
import {
  EKS_TOKEN_PREFIX,
  eksBearerToken,
  eksKubeConfig,
} from '../../../functions/adapters/kubernetes/eks-authentication.ts';
import { EksDeploymentTarget } from '../../../functions/adapters/kubernetes/eks-deployment-target.ts';
import { deploymentRequestSchema } from '../../../functions/contracts/deployment-request.ts';
import { prepareDeploymentNamespaces } from '../../../functions/local/kube/deployer-access.ts';
import { awsClientConfig, EMULATOR_ACCOUNT, EMULATOR_REGION } from '../../support/aws-clients.ts';
import { ARN, eksRequest } from '../../support/deployment-requests.ts';
import { type EksTokenWebhook, startEksTokenWebhook } from '../../support/eks-token-webhook.ts';
import {
  emulatedStsCallerIdentity,
  type IssuedCredentials,
  IssuedCredentialsRegistry,
} from '../../support/emulated-sts-caller-identity.ts';
import { type KubeCluster, startKubeCluster } from '../../support/kube-cluster.ts';

const suffix = randomBytes(3).toString('hex');
const CLUSTER = 'ml-prod';
const NAMESPACE = `serving-${suffix}`;
const PARAMETERS = { namespace: NAMESPACE, name: 'approved-models' };
const DEPLOYER_ROLE = `arn:aws:iam::${EMULATOR_ACCOUNT}:role/verdict-orchestrator-${suffix}`;
const OTHER_ROLE = `arn:aws:iam::${EMULATOR_ACCOUNT}:role/data-scientist-${suffix}`;
const EKS_USER = 'verdict-orchestrator';
const GROUP = 'verdict:deployers';
const server = {
  image: `registry.example/vllm-openai@sha256:${'e'.repeat(64)}`,
  port: 8000,
  readinessPath: '/health',
};

const motoEndpoint = inject('motoEndpoint');
const sts = new STSClient(awsClientConfig(motoEndpoint));
const issued = new IssuedCredentialsRegistry();
let webhook: EksTokenWebhook;
let plane: KubeCluster;
let dataDir: string;
let deployer: IssuedCredentials;
let other: IssuedCredentials;

async function assumeRole(roleArn: string): Promise<IssuedCredentials> {
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'orchestrator' }),
  );
  const credentials = {
    accessKeyId: Credentials?.AccessKeyId as string,
    secretAccessKey: Credentials?.SecretAccessKey as string,
    sessionToken: Credentials?.SessionToken as string,
  };
  issued.register(credentials);
  return credentials;
}

async function tokenFor(
  credentials: IssuedCredentials,
  clusterName = CLUSTER,
  now = () => new Date(),
): Promise<string> {
  const { token } = await eksBearerToken({
    clusterName,
    region: EMULATOR_REGION,
    credentials,
    stsEndpoint: motoEndpoint,
    now,
  });
  return token;
}

function clusterConfig(token: string): KubeConfig {
  return eksKubeConfig(
    {
      clusterName: CLUSTER,
      endpoint: plane.connection.server,
      certificateAuthorityData: Buffer.from(plane.connection.caPem).toString('base64'),
    },
    token,
  );
}

async function whoAmI(token: string) {
  const review = await clusterConfig(token)
    .makeApiClient(AuthenticationV1Api)
    .createSelfSubjectReview({ body: {} });
  return review.status?.userInfo;
}

/** The HTTP status the API server answers the token with, and why the webhook refused it. */
async function refusal(token: string): Promise<{ code: number | undefined; reason: string | undefined }> {
  const code = await whoAmI(token).then(
    () => 200,
    (error: unknown) => kubernetesApiStatus(error)?.code,
  );
  const last = webhook.outcomes.at(-1);
  return { code, reason: last && !last.authenticated ? last.reason : undefined };
}

beforeAll(async () => {
  [deployer, other] = [await assumeRole(DEPLOYER_ROLE), await assumeRole(OTHER_ROLE)];
  webhook = await startEksTokenWebhook({
    clusterName: CLUSTER,
    stsEndpoint: motoEndpoint,
    accessEntries: { [DEPLOYER_ROLE]: { username: EKS_USER, groups: [GROUP] } },
    callerIdentity: (request) => emulatedStsCallerIdentity(request, issued),
  });
  dataDir = await mkdtemp(join(tmpdir(), 'verdict-eks-token-'));
  plane = await startKubeCluster({ tokenWebhookConfigFile: await webhook.writeConfig(dataDir) });
  const admin = plane.kubeConfig('admin');
  await prepareDeploymentNamespaces(admin, {
    namespaces: [NAMESPACE],
    parameters: PARAMETERS,
    maxGpusPerPod: 4,
  });
  await admin.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
    namespace: NAMESPACE,
    body: {
      metadata: { name: 'verdict-deployers' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'verdict-deployer' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: GROUP }],
    },
  });
});

afterAll(async () => {
  await plane?.stop();
  await webhook?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('EKS access-entry token, through a TokenReview webhook and the emulator STS', () => {
  it('authenticates the deployer role as its access entry, and the EKS target plans and applies with it', async () => {
    const token = await tokenFor(deployer);

    expect(await whoAmI(token)).toMatchObject({
      username: EKS_USER,
      groups: expect.arrayContaining([GROUP, 'system:authenticated']),
      extra: { canonicalArn: [DEPLOYER_ROLE] },
    });
    const target = new EksDeploymentTarget({
      clusterName: CLUSTER,
      kubeConfig: clusterConfig(token),
      server,
      parameters: PARAMETERS,
    });
    const base = deploymentRequestSchema.parse(eksRequest);
    const request = {
      ...base,
      target: { kind: 'eks' as const, cluster: CLUSTER, namespace: NAMESPACE, name: 'scorer' },
    };
    const artifact = { modelPackageArn: ARN, digest: `sha256:${'a'.repeat(64)}`, decisionId: 'dec-a' };
    const plan = await target.plan('dep-1', request, artifact);
    expect(plan.action).toBe('create');
    const applied = await target.apply(plan, request, artifact);
    expect(applied).toEqual({ deploymentId: 'dep-1', revision: `${NAMESPACE}/scorer@1`, status: 'applying' });
    expect(webhook.outcomes.at(-1)).toEqual({
      authenticated: true,
      username: EKS_USER,
      groups: [GROUP],
      arn: `arn:aws:sts::${EMULATOR_ACCOUNT}:assumed-role/verdict-orchestrator-${suffix}/orchestrator`,
    });
  });

  it('gives the mapped user no more than its group: another namespace is forbidden', async () => {
    const token = await tokenFor(deployer);
    const target = new EksDeploymentTarget({
      clusterName: CLUSTER,
      kubeConfig: clusterConfig(token),
      server,
      parameters: PARAMETERS,
    });
    const base = deploymentRequestSchema.parse(eksRequest);
    const request = {
      ...base,
      target: { kind: 'eks' as const, cluster: CLUSTER, namespace: 'default', name: 'scorer' },
    };
    await expect(
      target.plan('dep-2', request, {
        modelPackageArn: ARN,
        digest: `sha256:${'b'.repeat(64)}`,
        decisionId: 'dec-b',
      }),
    ).rejects.toThrow(
      expect.objectContaining({
        name: DeploymentRefusedError.name,
        reason: expect.stringContaining(
          `User "${EKS_USER}" cannot get resource "deployments" in API group "apps" in the namespace "default"`,
        ),
      }),
    );
  });

  it('refuses a token signed for another cluster (401)', async () => {
    expect(await refusal(await tokenFor(deployer, 'ml-staging'))).toEqual({
      code: 401,
      reason: 'SignatureDoesNotMatch',
    });
  });

  it('refuses a token whose access key id was swapped for the deployer role’s (401)', async () => {
    const signedByOther = await tokenFor(other);
    const url = new URL(Buffer.from(signedByOther.slice(EKS_TOKEN_PREFIX.length), 'base64url').toString());
    const credential = url.searchParams.get('X-Amz-Credential') as string;
    url.searchParams.set('X-Amz-Credential', credential.replace(other.accessKeyId, deployer.accessKeyId));
    url.searchParams.set('X-Amz-Security-Token', deployer.sessionToken as string);
    const tampered = EKS_TOKEN_PREFIX + Buffer.from(url.toString()).toString('base64url');

    expect(await refusal(tampered)).toEqual({ code: 401, reason: 'SignatureDoesNotMatch' });
  });

  it('refuses a role without an access entry (401)', async () => {
    expect(await refusal(await tokenFor(other))).toEqual({
      code: 401,
      reason: `no access entry for ${OTHER_ROLE}`,
    });
  });

  it('refuses a token signed 20 minutes ago (401)', async () => {
    const twentyMinutesAgo = () => new Date(Date.now() - 20 * 60 * 1000);
    expect(await refusal(await tokenFor(deployer, CLUSTER, twentyMinutesAgo))).toEqual({
      code: 401,
      reason: 'X-Amz-Date parameter is expired (15 minute expiration)',
    });
  });
});
