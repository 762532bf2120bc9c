/**
 * `verdict deploy --target eks:…` as a user runs it against a real control plane (kube-apiserver with the
 * approved-digest admission policy, the deployment controller, kube-scheduler and a simulated GPU node): the
 * cluster is configured as in AWS (`VERDICT_EKS_CLUSTERS`, a kubeconfig context named after it), the
 * deployment gate decides, the orchestrator applies a GPU Deployment, watches it through the bake timer until
 * it is rolled out, and a rollback removes it. Every step is a ledger entry.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../../functions/contracts/deployment.ts';
import { prepareDeploymentNamespaces } from '../../../functions/local/kube/deployer-access.ts';
import {
  type LocalControlPlane,
  startLocalControlPlane,
} from '../../../functions/local/kube/local-control-plane.ts';
import { runCli, userEnv } from '../../support/cli.ts';
import {
  CREDIT_SCORER_ARN,
  governedArgs,
  OVERSIGHT,
  putOversightDocument,
  registerArgs,
} from '../../support/deployment-cli-args.ts';

const CLUSTER = 'ml-local';
const NAMESPACE = 'serving';
const PARAMETERS = { namespace: NAMESPACE, name: 'verdict-approved-models' };
const SERVER_IMAGE = `registry.example/vllm-openai@sha256:${'d'.repeat(64)}`;

const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-eks-'));
const dataDir = join(work, 'data');
let plane: LocalControlPlane;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  plane = await startLocalControlPlane({ gpuNode: true });
  await prepareDeploymentNamespaces(plane.kubeConfig('admin'), {
    namespaces: [NAMESPACE],
    parameters: PARAMETERS,
    maxGpusPerPod: 4,
  });
  // The deployer's credentials under a context named after the cluster, as `aws eks update-kubeconfig` writes.
  const deployer = plane.kubeConfig('deployer');
  const named = new KubeConfig();
  named.loadFromOptions({
    clusters: [{ ...deployer.getCurrentCluster(), name: CLUSTER }],
    users: [{ ...deployer.getCurrentUser(), name: 'verdict-deployer' }],
    contexts: [{ name: CLUSTER, cluster: CLUSTER, user: 'verdict-deployer' }],
    currentContext: CLUSTER,
  });
  const kubeconfig = join(work, 'kubeconfig');
  writeFileSync(kubeconfig, named.exportConfig(), { mode: 0o600 });
  env = {
    ...userEnv(),
    VERDICT_KUBECONFIG: kubeconfig,
    VERDICT_EKS_CLUSTERS: JSON.stringify([
      {
        name: CLUSTER,
        modelServer: { image: SERVER_IMAGE, port: 8000, readinessPath: '/health' },
        parameters: PARAMETERS,
        governedNamespaces: [NAMESPACE],
        pollSeconds: 1,
      },
    ]),
  };
  const modelData = join(work, 'model.tar.gz');
  writeFileSync(modelData, 'model weights of version 1\n');
  const registered = await cli(registerArgs(modelData));
  expect(registered.code, registered.stderr).toBe(0);
  putOversightDocument(dataDir);
}, 180_000);

afterAll(async () => {
  await plane?.stop();
  rmSync(work, { recursive: true, force: true });
});

const cli = (args: string[]) =>
  runCli([...args, '--data-dir', dataDir], { cwd: work, env, timeout: 120_000 });

async function show(id: string): Promise<Deployment> {
  const run = await cli(['deployments', 'show', id, '--format', 'json']);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Deployment;
}

describe('verdict deploy to an EKS GPU workload', () => {
  let id = '';

  it('gates, applies, watches the rollout through the timer and records it promoted', async () => {
    const run = await cli([
      'deploy',
      '--model-package',
      `${CREDIT_SCORER_ARN}/1`,
      '--target',
      `eks:${CLUSTER}/${NAMESPACE}/credit-scorer`,
      '--gpus',
      '1',
      '--gpu-type',
      'nvidia-l4',
      '--node-type',
      'g6.xlarge',
      ...governedArgs(),
      ...OVERSIGHT,
    ]);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    id = /^Deployment (\S+): /.exec(run.stdout)?.[1] as string;
    const deployment = await show(id);
    expect(deployment.status).toBe('promoted');
    expect(deployment.history.map((h) => h.step)).toEqual(['gate', 'plan', 'apply', 'promoted']);
    expect(deployment.history.at(-1)?.detail).toMatch(
      /^Progressing=True\(NewReplicaSetAvailable\) Available=True/,
    );

    const admin = plane.kubeConfig('admin');
    const workload = await admin
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ namespace: NAMESPACE, name: 'credit-scorer' });
    expect(workload.metadata?.annotations?.['verdict.dev/deployment-id']).toBe(id);
    const pods = await admin
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: NAMESPACE, labelSelector: 'app.kubernetes.io/name=credit-scorer' });
    expect(pods.items.map((pod) => [pod.spec?.nodeName, pod.status?.phase])).toEqual([
      ['gpu-node-1', 'Running'],
    ]);
  }, 120_000);

  it('rolls the workload it created back by removing it', async () => {
    const run = await cli(['rollback', id]);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const deployment = await show(id);
    expect(deployment.status).toBe('rolled-back');
    const apps = plane.kubeConfig('admin').makeApiClient(AppsV1Api);
    const left = await apps.listNamespacedDeployment({ namespace: NAMESPACE });
    expect(left.items.map((d) => d.metadata?.name)).toEqual([]);
  }, 120_000);

  it('says so when the kubeconfig has no context for a configured cluster, and applies nothing', async () => {
    const other = JSON.parse(env.VERDICT_EKS_CLUSTERS as string) as { name: string }[];
    const run = await runCli(
      [
        'deploy',
        '--model-package',
        `${CREDIT_SCORER_ARN}/1`,
        '--target',
        'eks:ml-elsewhere/serving/credit-scorer',
        '--gpus',
        '1',
        '--gpu-type',
        'nvidia-l4',
        '--node-type',
        'g6.xlarge',
        ...governedArgs(),
        ...OVERSIGHT,
        '--data-dir',
        dataDir,
      ],
      {
        cwd: work,
        env: {
          ...env,
          VERDICT_EKS_CLUSTERS: JSON.stringify([{ ...other[0], name: 'ml-elsewhere' }]),
        },
      },
    );
    expect(run.stdout).toMatch(/FAILED/);
    expect(run.stdout).toContain('has no context named ml-elsewhere');
  }, 120_000);
});
