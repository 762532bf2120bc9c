/**
 * EKS (or any Kubernetes) clusters for local deployments, configured as in AWS: `VERDICT_EKS_CLUSTERS` holds
 * the clusters as JSON (contracts/eks-cluster.ts), and the kubeconfig (`VERDICT_KUBECONFIG`, else
 * `KUBECONFIG`, else ~/.kube/config) has a context named after each cluster. The Kubernetes client is loaded
 * on the first deployment to a cluster, so a command that deploys nothing does not pay for it.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RenewingClusterTarget } from '../adapters/kubernetes/renewing-cluster-target.ts';
import { type EksCluster, eksClustersSchema } from '../contracts/eks-cluster.ts';
import type { DeploymentTarget } from '../ports/deployment-target.ts';
import { InvalidInputError } from '../shared/validation.ts';

export function localEksTargets(env: NodeJS.ProcessEnv = process.env): DeploymentTarget[] {
  const text = env.VERDICT_EKS_CLUSTERS?.trim();
  if (!text) return [];
  const clusters = parseEksClusters(text);
  const kubeconfig =
    env.VERDICT_KUBECONFIG || env.KUBECONFIG?.split(':')[0] || join(homedir(), '.kube', 'config');
  return clusters.map(
    (cluster) =>
      new RenewingClusterTarget(cluster.name, cluster.pollSeconds * 1000, async () => ({
        target: await clusterTarget(cluster, kubeconfig),
      })),
  );
}

/** The clusters of `VERDICT_EKS_CLUSTERS` (JSON, contracts/eks-cluster.ts). */
export function parseEksClusters(text: string): EksCluster[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidInputError('eks_clusters_invalid', ['VERDICT_EKS_CLUSTERS is not JSON']);
  }
  const parsed = eksClustersSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidInputError(
      'eks_clusters_invalid',
      parsed.error.issues.map((issue) => `VERDICT_EKS_CLUSTERS.${issue.path.join('.')}: ${issue.message}`),
    );
  }
  return parsed.data;
}

async function clusterTarget(cluster: EksCluster, kubeconfig: string): Promise<DeploymentTarget> {
  const [{ KubeConfig }, { EksDeploymentTarget }] = await Promise.all([
    import('@kubernetes/client-node'),
    import('../adapters/kubernetes/eks-deployment-target.ts'),
  ]);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfig);
  if (!kubeConfig.getContextObject(cluster.name)) {
    throw new InvalidInputError('eks_cluster_unknown', [
      `${kubeconfig} has no context named ${cluster.name} (one context per cluster of VERDICT_EKS_CLUSTERS)`,
    ]);
  }
  kubeConfig.setCurrentContext(cluster.name);
  return new EksDeploymentTarget({
    clusterName: cluster.name,
    kubeConfig,
    server: cluster.modelServer,
    parameters: cluster.parameters,
    governedNamespaces: cluster.governedNamespaces,
    pollIntervalMs: cluster.pollSeconds * 1000,
  });
}
