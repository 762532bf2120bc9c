/**
 * The EKS clusters the orchestrator deploys GPU workloads to, as the stack configures them
 * (`verdict:eksClusters`, passed to the function as `VERDICT_EKS_CLUSTERS`): the model server each
 * workload runs, the admission policy's parameter ConfigMap, and the namespaces the policy governs.
 */
import { z } from 'zod';

const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const IMAGE_BY_DIGEST = /^[a-z0-9]([a-z0-9._/:-]*[a-z0-9])?@sha256:[0-9a-f]{64}$/;

/** A namespace or ConfigMap name. */
export const dnsLabel = z
  .string()
  .max(63)
  .regex(DNS_LABEL, { message: 'expected a Kubernetes name (lower-case letters, digits and -)' });

export const modelServerSchema = z.strictObject({
  /** Pinned by digest: a tag could change under an approved deployment. */
  image: z
    .string()
    .max(512)
    .regex(IMAGE_BY_DIGEST, { message: 'expected an image pinned by digest (name@sha256:<64 hex>)' }),
  port: z.number().int().min(1).max(65535),
  readinessPath: z
    .string()
    .regex(/^\/[A-Za-z0-9._~/-]{0,255}$/, { message: 'expected an HTTP path like /health' }),
});

/** The Kubernetes group the orchestrator's access entry maps to, and the cluster's RBAC binds. */
export const EKS_DEPLOYER_GROUP = 'verdict:deployers';

/** Where the admission policy's approved digests live (only Verdict's deployer may write it). */
export const DEFAULT_PARAMETERS = { namespace: 'verdict-system', name: 'verdict-approved-models' } as const;

export const eksClusterSchema = z.strictObject({
  name: z.string().regex(CLUSTER_NAME, { message: 'expected an EKS cluster name' }),
  modelServer: modelServerSchema,
  parameters: z.strictObject({ namespace: dnsLabel, name: dnsLabel }).default({ ...DEFAULT_PARAMETERS }),
  /** Namespaces the admission policy binds: a revocation scales the digest's workloads to zero in each. */
  governedNamespaces: z.array(dnsLabel).min(1).max(50),
  /** How often a rollout in progress is looked at. */
  pollSeconds: z.number().int().min(1).max(300).default(10),
});
export type EksCluster = z.output<typeof eksClusterSchema>;
export type EksClusterInput = z.input<typeof eksClusterSchema>;

export const eksClustersSchema = z
  .array(eksClusterSchema)
  .max(20)
  .superRefine((clusters, context) => {
    const seen = new Set<string>();
    for (const [index, cluster] of clusters.entries()) {
      if (seen.has(cluster.name)) {
        context.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `cluster ${cluster.name} is listed twice`,
        });
      }
      seen.add(cluster.name);
    }
  });
