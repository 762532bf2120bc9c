/**
 * The EKS target as the orchestrator runs it in AWS: the cluster's endpoint and certificate authority come
 * from EKS `DescribeCluster` (once per cold start), and the Kubernetes client authenticates with an EKS
 * access-entry token signed with the function's own credentials, made again before the token lapses.
 */
import { type Cluster, DescribeClusterCommand, type EKSClient } from '@aws-sdk/client-eks';
import type { EksCluster } from '../../contracts/eks-cluster.ts';
import { ClusterUnavailableError } from '../kubernetes/deployment-errors.ts';
import {
  type EksClusterEndpoint,
  type EksTokenOptions,
  eksClusterKubeConfig,
} from '../kubernetes/eks-authentication.ts';
import { EksDeploymentTarget } from '../kubernetes/eks-deployment-target.ts';
import { RenewingClusterTarget } from '../kubernetes/renewing-cluster-target.ts';

export interface EksClusterTargetOptions {
  readonly cluster: EksCluster;
  readonly eks: EKSClient;
  /** Defaults to the EKS client's credentials. */
  readonly credentials?: EksTokenOptions['credentials'];
  readonly now?: () => Date;
}

export function eksClusterTarget(options: EksClusterTargetOptions): RenewingClusterTarget {
  const { cluster, eks } = options;
  const now = options.now ?? (() => new Date());
  const pollIntervalMs = cluster.pollSeconds * 1000;
  let endpoint: Promise<EksClusterEndpoint> | undefined;
  const describe = () => {
    endpoint ??= describeCluster(eks, cluster.name).catch((error: unknown) => {
      endpoint = undefined;
      throw error;
    });
    return endpoint;
  };
  return new RenewingClusterTarget(
    cluster.name,
    pollIntervalMs,
    async () => {
      const { kubeConfig, expiresAt } = await eksClusterKubeConfig(await describe(), {
        region: await eks.config.region(),
        credentials: options.credentials ?? eks.config.credentials,
        now,
      });
      const target = new EksDeploymentTarget({
        clusterName: cluster.name,
        kubeConfig,
        server: cluster.modelServer,
        parameters: cluster.parameters,
        governedNamespaces: cluster.governedNamespaces,
        pollIntervalMs,
        now,
      });
      return { target, expiresAt };
    },
    now,
  );
}

/** The cluster's endpoint and CA; a cluster that is not ACTIVE cannot take a rollout. */
export async function describeCluster(eks: EKSClient, name: string): Promise<EksClusterEndpoint> {
  let cluster: Cluster | undefined;
  try {
    ({ cluster } = await eks.send(new DescribeClusterCommand({ name })));
  } catch (error) {
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new ClusterUnavailableError(`EKS cluster ${name}: ${why}`);
  }
  if (cluster?.status !== 'ACTIVE') {
    throw new ClusterUnavailableError(`EKS cluster ${name} is ${cluster?.status ?? 'unknown'}, not ACTIVE`);
  }
  if (!cluster.endpoint || !cluster.certificateAuthority?.data) {
    throw new ClusterUnavailableError(`EKS cluster ${name}: DescribeCluster gave no endpoint or CA`);
  }
  return {
    clusterName: name,
    endpoint: cluster.endpoint,
    certificateAuthorityData: cluster.certificateAuthority.data,
  };
}
