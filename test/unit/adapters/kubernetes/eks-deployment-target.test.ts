/**
 * What the EKS target says when it cannot reach the cluster, or is handed a revision it did not issue. The
 * paths through a real API server are in test/integration/kubernetes/eks-deployment-target.test.ts.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  ClusterUnavailableError,
  GpuWorkloadError,
} from '../../../../functions/adapters/kubernetes/deployment-errors.ts';
import { EksDeploymentTarget } from '../../../../functions/adapters/kubernetes/eks-deployment-target.ts';
import { deploymentRequestSchema } from '../../../../functions/contracts/deployment-request.ts';
import { ARN, eksRequest } from '../../../support/deployment-requests.ts';

function targetAt(server: string): EksDeploymentTarget {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'ml-prod', server, skipTLSVerify: false }],
    users: [{ name: 'verdict-deployer', token: 'not-used' }],
    contexts: [{ name: 'ml-prod', cluster: 'ml-prod', user: 'verdict-deployer' }],
    currentContext: 'ml-prod',
  });
  return new EksDeploymentTarget({
    clusterName: 'ml-prod',
    kubeConfig,
    server: { image: `registry.example/vllm@sha256:${'e'.repeat(64)}`, port: 8000, readinessPath: '/health' },
    parameters: { namespace: 'verdict', name: 'approved-models' },
  });
}

const artifact = { modelPackageArn: ARN, digest: `sha256:${'a'.repeat(64)}`, decisionId: 'dec-1' };

describe('EksDeploymentTarget', () => {
  it('says the cluster is unreachable, and which object it was reading, when nothing answers', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const target = targetAt('https://127.0.0.1:1');

    const error = await target
      .plan('dep-1', deploymentRequestSchema.parse(eksRequest), artifact)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ClusterUnavailableError);
    expect((error as Error).message).toMatch(
      /^the approved-digest ConfigMap verdict\/approved-models: request to https:\/\/127\.0\.0\.1:1\/.* failed, reason: connect ECONNREFUSED 127\.0\.0\.1:1$/,
    );
  });

  it.each(['../kube-system/x@1', 'serving/scorer', 'serving/Scorer@1', 'serving/scorer@1\n'])(
    'refuses a revision it did not issue: %j',
    async (revision) => {
      const target = targetAt('https://127.0.0.1:1');
      await expect(target.observe({ deploymentId: 'dep-1', revision, status: 'applying' })).rejects.toThrow(
        new GpuWorkloadError(`not a revision of an EKS Deployment: ${revision}`),
      );
    },
  );

  it.each([
    'inferenceservice/../x@1',
    'inferenceservice/serving/scorer',
    'inferenceservice/serving/Scorer@1',
  ])('refuses an InferenceService revision it did not issue: %j', async (revision) => {
    const target = targetAt('https://127.0.0.1:1');
    await expect(target.observe({ deploymentId: 'dep-1', revision, status: 'applying' })).rejects.toThrow(
      new GpuWorkloadError(`not a revision of an EKS InferenceService: ${revision}`),
    );
  });
});
