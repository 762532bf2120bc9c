/**
 * `verdict cluster manifests`: the YAML a platform team pipes to `kubectl apply -f -`, for a cluster of
 * VERDICT_EKS_CLUSTERS or for namespaces named on the command line, bound to the group the orchestrator's
 * access entry maps to. Bad input is one line on stderr, exit 2, and nothing on stdout.
 */
import type { KubernetesObject, V1ConfigMap, V1Role, V1RoleBinding } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { clusterSetupObjects } from '../../../../functions/adapters/kubernetes/cluster-setup.ts';
import { runCli, userEnv } from '../../../support/cli.ts';

const SERVER = {
  image: `registry.example/vllm@sha256:${'e'.repeat(64)}`,
  port: 8000,
  readinessPath: '/health',
};
const CLUSTERS = JSON.stringify([
  { name: 'ml-prod', modelServer: SERVER, governedNamespaces: ['serving', 'batch'] },
  {
    name: 'ml-dev',
    modelServer: SERVER,
    parameters: { namespace: 'dev', name: 'approved' },
    governedNamespaces: ['dev'],
  },
]);

const manifests = (args: string[], clusters: string | null = CLUSTERS) =>
  runCli(['cluster', 'manifests', ...args], {
    env: {
      ...userEnv({ allVerdict: true }),
      ...(clusters === null ? {} : { VERDICT_EKS_CLUSTERS: clusters }),
    },
  });

/** The documents of a multi-document YAML stream, as objects. */
function documents(text: string): KubernetesObject[] {
  return YAML.parseAllDocuments(text).map((document) => document.toJSON() as KubernetesObject);
}

const summary = (objects: KubernetesObject[]) =>
  objects.map((object) => `${object.kind} ${object.metadata?.namespace ?? '-'}/${object.metadata?.name}`);

describe('verdict cluster manifests', () => {
  it('prints, for a configured cluster, every object bound to the group verdict:deployers', async () => {
    const run = await manifests(['--cluster', 'ml-prod', '--max-gpus', '4']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^# What cluster ml-prod needs before Verdict deploys to it; apply as a cluster admin:\n/,
    );
    const objects = documents(run.stdout);
    expect(summary(objects)).toEqual([
      'Namespace -/serving',
      'Namespace -/batch',
      'Namespace -/verdict-system',
      'Role serving/verdict-deployer',
      'RoleBinding serving/verdict-deployer',
      'Role batch/verdict-deployer',
      'RoleBinding batch/verdict-deployer',
      'Role verdict-system/verdict-deployer',
      'RoleBinding verdict-system/verdict-deployer',
      'ConfigMap verdict-system/verdict-approved-models',
      'ValidatingAdmissionPolicy -/verdict-approved-digests',
      'ValidatingAdmissionPolicyBinding -/verdict-approved-digests',
    ]);
    for (const binding of objects.filter((object) => object.kind === 'RoleBinding') as V1RoleBinding[]) {
      expect(binding.subjects).toEqual([
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'verdict:deployers' },
      ]);
    }
    expect((objects[7] as V1Role).rules).toEqual([
      {
        apiGroups: [''],
        resources: ['configmaps'],
        resourceNames: ['verdict-approved-models'],
        verbs: ['get', 'update'],
      },
    ]);
    expect((objects[3] as V1Role).rules?.map((rule) => rule.resources)).toEqual([
      ['deployments'],
      ['deployments/scale'],
      ['inferenceservices'],
      ['networkpolicies'],
    ]);
    expect((objects[9] as V1ConfigMap).data).toEqual({ 'max-gpus-per-pod': '4' });
    // The YAML is exactly the objects the local control plane is set up with, the subject aside.
    expect(objects).toEqual(
      clusterSetupObjects({
        subject: { kind: 'Group', name: 'verdict:deployers' },
        namespaces: ['serving', 'batch'],
        parameters: { namespace: 'verdict-system', name: 'verdict-approved-models' },
        maxGpusPerPod: 4,
      }),
    );
  });

  it('takes the namespaces, the ConfigMap and a GPU cap of 1 from flags', async () => {
    const run = await manifests(
      ['--namespace', 'serving', '--namespace', 'serving', '--parameters', 'serving/approved'],
      null,
    );

    expect(run.code, run.stderr).toBe(0);
    expect(documents(run.stdout)).toEqual(
      clusterSetupObjects({
        subject: { kind: 'Group', name: 'verdict:deployers' },
        namespaces: ['serving'],
        parameters: { namespace: 'serving', name: 'approved' },
        maxGpusPerPod: 1,
      }),
    );
  });

  it.each([
    [
      [],
      'name the cluster (--cluster NAME, from VERDICT_EKS_CLUSTERS) or the namespaces Verdict deploys to (--namespace NAME, repeatable)',
    ],
    [
      ['--cluster', 'ml-test'],
      '--cluster ml-test: VERDICT_EKS_CLUSTERS has no such cluster (it has: ml-prod, ml-dev)',
    ],
    [
      ['--cluster', 'ml-prod', '--namespace', 'serving'],
      '--cluster takes the namespaces and the parameter ConfigMap from VERDICT_EKS_CLUSTERS: leave out --namespace and --parameters',
    ],
    [
      ['--namespace', 'Serving'],
      '--namespace Serving: expected a Kubernetes name (lower-case letters, digits and -)',
    ],
    [
      ['--namespace', 'serving', '--parameters', 'verdict-system'],
      '--parameters verdict-system: expected namespace/name',
    ],
    [
      ['--namespace', 'serving', '--max-gpus', '-1'],
      '--max-gpus -1: expected a whole number of GPUs (0 to 999)',
    ],
    [
      ['--namespace', 'serving', '--max-gpus', '1.5'],
      '--max-gpus 1.5: expected a whole number of GPUs (0 to 999)',
    ],
  ])('refuses %j: exit 2, one line', async (args, message) => {
    const run = await manifests(args);

    expect(run).toEqual({ code: 2, stdout: '', stderr: `verdict: ${message}\n` });
  });

  it.each([
    [
      null,
      '--cluster ml-prod: VERDICT_EKS_CLUSTERS is not set (the clusters as JSON, see docs/deployments.md)',
    ],
    ['[{"name":', 'VERDICT_EKS_CLUSTERS is not JSON'],
    [
      JSON.stringify([{ name: 'ml-prod', modelServer: SERVER, governedNamespaces: [] }]),
      'VERDICT_EKS_CLUSTERS.0.governedNamespaces: Too small: expected array to have >=1 items',
    ],
  ])('refuses --cluster with VERDICT_EKS_CLUSTERS %j: exit 2, one line', async (clusters, message) => {
    const run = await manifests(['--cluster', 'ml-prod'], clusters);

    expect(run).toEqual({ code: 2, stdout: '', stderr: `verdict: ${message}\n` });
  });
});
