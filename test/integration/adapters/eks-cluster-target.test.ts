/**
 * The EKS target as the orchestrator builds it in AWS, against the AWS emulator's EKS through the real SDK
 * v3 client: the endpoint and CA come from DescribeCluster (the access-entry token is tested in
 * eks-authentication.test.ts), and a cluster that does not exist is unavailable, with EKS's own words.
 */
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { describeCluster, eksClusterTarget } from '../../../functions/adapters/aws/eks-cluster-target.ts';
import { EksDeploymentTarget } from '../../../functions/adapters/kubernetes/eks-deployment-target.ts';
import { eksClusterSchema } from '../../../functions/contracts/eks-cluster.ts';
import { awsClientConfig, uniqueName } from '../../support/aws-clients.ts';

const emulator = inject('motoEndpoint');
const eks = new EKSClient(awsClientConfig(emulator));
let name: string;
let endpoint: string;

beforeAll(async () => {
  name = uniqueName('ml-prod');
  const created = await eks.send(
    new CreateClusterCommand({
      name,
      roleArn: 'arn:aws:iam::123456789012:role/eks-cluster',
      resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'] },
      accessConfig: { authenticationMode: 'API' },
    }),
  );
  endpoint = created.cluster?.endpoint ?? '';
  expect(endpoint).toMatch(/^https:\/\//);
});

describe('eksClusterTarget', () => {
  it('reads the endpoint and CA of the cluster from DescribeCluster', async () => {
    const described = await describeCluster(eks, name);
    expect(described.clusterName).toBe(name);
    expect(described.endpoint).toBe(endpoint);
    expect(described.certificateAuthorityData.length).toBeGreaterThan(0);
  });

  it('talks to that endpoint with a token signed for that cluster', async () => {
    const cluster = eksClusterSchema.parse({
      name,
      modelServer: {
        image: `registry.example/vllm@sha256:${'a'.repeat(64)}`,
        port: 8000,
        readinessPath: '/health',
      },
      governedNamespaces: ['serving'],
      pollSeconds: 5,
    });
    const target = eksClusterTarget({ cluster, eks });
    expect([target.cluster, target.pollIntervalMs]).toEqual([name, 5000]);
    const connected = await target.target();
    expect(connected).toBeInstanceOf(EksDeploymentTarget);
    expect((connected as EksDeploymentTarget).apiServer).toBe(new URL(endpoint).origin);
    expect(connected.pollIntervalMs).toBe(5000);
  });

  it('finds a cluster that does not exist unavailable, in EKS words', async () => {
    await expect(describeCluster(eks, 'no-such-cluster')).rejects.toThrow(
      /^EKS cluster no-such-cluster: ResourceNotFoundException: /,
    );
  });
});
