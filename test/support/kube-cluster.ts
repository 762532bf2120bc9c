/**
 * The Kubernetes control plane the kubernetes integration tests run against: the local control plane
 * (functions/local/kube/local-control-plane.ts) under the names the tests use.
 */
import {
  kubeBinDir,
  kubeConfigFor,
  type LocalControlPlane,
  type LocalControlPlaneConnection,
  type LocalControlPlaneOptions,
  startLocalControlPlane,
} from '../../functions/local/kube/local-control-plane.ts';

export type KubeClusterConnection = LocalControlPlaneConnection;
export type KubeCluster = LocalControlPlane;
export type KubeClusterOptions = LocalControlPlaneOptions;

export { kubeBinDir, kubeConfigFor };

/**
 * How long a test waits for the API server to act on a policy, binding or parameter change (admission
 * policies are read through informers: eventually consistent, and slower on a loaded machine).
 */
export const ADMISSION_PROPAGATION = { timeout: 45_000, interval: 200 } as const;

export function startKubeCluster(options: KubeClusterOptions = {}): Promise<KubeCluster> {
  return startLocalControlPlane(options);
}
