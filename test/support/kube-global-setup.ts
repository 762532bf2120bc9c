/**
 * vitest globalSetup for the `kubernetes` project: starts one real control plane (etcd, kube-apiserver,
 * kube-controller-manager) for the whole run, hands its connection to the tests
 * (`inject('kubeCluster')`, then `kubeConfigFor`) and stops it afterwards. Tests isolate themselves in
 * namespaces of their own.
 */
import type { TestProject } from 'vitest/node';
import { type KubeClusterConnection, startKubeCluster } from './kube-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeCluster: KubeClusterConnection;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startKubeCluster({ controllerManager: true });
  project.provide('kubeCluster', cluster.connection);
  return () => cluster.stop();
}
