/**
 * Whether a cluster serves KServe's `InferenceService` (group `serving.kserve.io`), found through API
 * discovery, which every authenticated user may read (no CRD read permission needed). Without it, a model
 * runs as a plain Deployment.
 */
import { ApisApi, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';

export const KSERVE_GROUP = 'serving.kserve.io';
export const INFERENCE_SERVICES = 'inferenceservices';

export async function inferenceServiceApiAvailable(kubeConfig: KubeConfig): Promise<boolean> {
  const { groups } = await kubeConfig.makeApiClient(ApisApi).getAPIVersions();
  const group = groups.find((entry) => entry.name === KSERVE_GROUP);
  const version = group?.preferredVersion?.version;
  if (!version) return false;
  const { resources } = await kubeConfig
    .makeApiClient(CustomObjectsApi)
    .getAPIResources({ group: KSERVE_GROUP, version });
  return resources.some((resource) => resource.name === INFERENCE_SERVICES);
}
