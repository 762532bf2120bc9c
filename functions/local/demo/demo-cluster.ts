/**
 * The demo's EKS stand-in: the local control plane (kube-apiserver with the approved-digest admission policy,
 * the deployment controller, kube-scheduler and one simulated GPU node), when its binaries are built
 * (`npm run setup`). It starts in the background while the first act runs; the first deployment to the
 * cluster waits for it. Nothing runs on the GPU node: kwok reports its pods running.
 */
import { RenewingClusterTarget } from '../../adapters/kubernetes/renewing-cluster-target.ts';
import type { DeploymentTarget } from '../../ports/deployment-target.ts';

export const DEMO_CLUSTER = 'verdict-local';
export const DEMO_NAMESPACE = 'serving';
const PARAMETERS = { namespace: DEMO_NAMESPACE, name: 'verdict-approved-models' };
/** The model server the GPU workload runs, pinned by digest (nothing is pulled). */
const MODEL_SERVER = {
  image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/verdict-demo/vllm-openai@sha256:${'7a'.repeat(32)}`,
  port: 8000,
  readinessPath: '/health',
};
/** The control plane answers in milliseconds: look at a rollout twice a second. */
const POLL_MS = 500;

export interface DemoCluster {
  readonly name: string;
  readonly target: DeploymentTarget;
  /** Stops the control plane (if it started) and removes its data; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The cluster, starting in the background with its data in a folder inside `dataDir` (removed when it
 * stops); undefined when the control plane is not built.
 */
export async function startDemoCluster(dataDir: string): Promise<DemoCluster | undefined> {
  const plane = await import('../kube/local-control-plane.ts');
  if (!plane.localControlPlaneBuilt()) return undefined;
  const started = plane.startLocalControlPlane({ gpuNode: true, dataDir });
  // A start that fails is reported by the first deployment to the cluster, not as an unhandled rejection.
  started.catch(() => {});
  const connect = async () => {
    const [running, { prepareDeploymentNamespaces }, { EksDeploymentTarget }] = await Promise.all([
      started,
      import('../kube/deployer-access.ts'),
      import('../../adapters/kubernetes/eks-deployment-target.ts'),
    ]);
    await prepareDeploymentNamespaces(running.kubeConfig('admin'), {
      namespaces: [DEMO_NAMESPACE],
      parameters: PARAMETERS,
      maxGpusPerPod: 4,
    });
    const target = new EksDeploymentTarget({
      clusterName: DEMO_CLUSTER,
      kubeConfig: running.kubeConfig('deployer'),
      server: MODEL_SERVER,
      parameters: PARAMETERS,
      governedNamespaces: [DEMO_NAMESPACE],
      pollIntervalMs: POLL_MS,
    });
    return { target };
  };
  return {
    name: DEMO_CLUSTER,
    target: new RenewingClusterTarget(DEMO_CLUSTER, POLL_MS, connect),
    async stop() {
      await started.then(
        (running) => running.stop(),
        () => {},
      );
    },
  };
}
