/**
 * The EKS target as the orchestrator runs it in AWS: the cluster's endpoint and certificate authority come
 * from EKS `DescribeCluster` (once per cold start), and the Kubernetes client authenticates with an EKS
 * access-entry token signed with the function's own credentials. A token lives 14 minutes and a warm
 * function outlives it, so the client is built again a minute before the token expires.
 */
import { type Cluster, DescribeClusterCommand, type EKSClient } from '@aws-sdk/client-eks';
import type { DeploymentRequest } from '../../contracts/deployment-request.ts';
import type { EksCluster } from '../../contracts/eks-cluster.ts';
import type {
  AppliedDeployment,
  ApprovedArtifact,
  DeploymentObservation,
  DeploymentPlan,
  DeploymentTarget,
} from '../../ports/deployment-target.ts';
import { ClusterUnavailableError } from '../kubernetes/deployment-errors.ts';
import {
  type EksClusterEndpoint,
  type EksTokenOptions,
  eksClusterKubeConfig,
} from '../kubernetes/eks-authentication.ts';
import { EksDeploymentTarget } from '../kubernetes/eks-deployment-target.ts';

interface Connection {
  readonly target: EksDeploymentTarget;
  readonly expiresAt: Date;
}

/** A token is replaced this long before it expires, so that no call starts with one about to lapse. */
const RENEW_BEFORE_EXPIRY_MS = 60_000;

export interface EksClusterTargetOptions {
  readonly cluster: EksCluster;
  readonly eks: EKSClient;
  /** Defaults to the EKS client's credentials. */
  readonly credentials?: EksTokenOptions['credentials'];
  readonly now?: () => Date;
}

export class EksClusterTarget implements DeploymentTarget {
  readonly kind = 'eks' as const;
  readonly cluster: string;
  readonly pollIntervalMs: number;
  readonly #options: EksClusterTargetOptions;
  readonly #now: () => Date;
  #endpoint?: Promise<EksClusterEndpoint>;
  #current?: { connection: Promise<Connection>; renewAt: number };

  constructor(options: EksClusterTargetOptions) {
    this.#options = options;
    this.cluster = options.cluster.name;
    this.pollIntervalMs = options.cluster.pollSeconds * 1000;
    this.#now = options.now ?? (() => new Date());
  }

  async plan(id: string, request: DeploymentRequest, artifact: ApprovedArtifact): Promise<DeploymentPlan> {
    return (await this.target()).plan(id, request, artifact);
  }

  async apply(
    plan: DeploymentPlan,
    request: DeploymentRequest,
    artifact: ApprovedArtifact,
  ): Promise<AppliedDeployment> {
    return (await this.target()).apply(plan, request, artifact);
  }

  async observe(applied: AppliedDeployment): Promise<DeploymentObservation> {
    return (await this.target()).observe(applied);
  }

  async promote(applied: AppliedDeployment): Promise<DeploymentObservation> {
    return (await this.target()).promote(applied);
  }

  async rollback(applied: AppliedDeployment, plan: DeploymentPlan): Promise<DeploymentObservation> {
    return (await this.target()).rollback(applied, plan);
  }

  async revoke(artifact: ApprovedArtifact, request: DeploymentRequest): Promise<DeploymentObservation> {
    return (await this.target()).revoke(artifact, request);
  }

  /** The Kubernetes target with a token valid for at least another minute. */
  async target(): Promise<EksDeploymentTarget> {
    let current = this.#current;
    if (!current || this.#now().getTime() >= current.renewAt) {
      const fresh = { connection: this.#connect(), renewAt: Number.POSITIVE_INFINITY };
      this.#current = current = fresh;
      try {
        fresh.renewAt = (await fresh.connection).expiresAt.getTime() - RENEW_BEFORE_EXPIRY_MS;
      } catch (error) {
        // A failed connection is not kept: the next call tries again.
        if (this.#current === fresh) this.#current = undefined;
        throw error;
      }
    }
    return (await current.connection).target;
  }

  async #connect(): Promise<Connection> {
    const { cluster, eks } = this.#options;
    const endpoint = await this.#describe();
    const { kubeConfig, expiresAt } = await eksClusterKubeConfig(endpoint, {
      region: await eks.config.region(),
      credentials: this.#options.credentials ?? eks.config.credentials,
      now: this.#now,
    });
    const target = new EksDeploymentTarget({
      clusterName: cluster.name,
      kubeConfig,
      server: cluster.modelServer,
      parameters: cluster.parameters,
      governedNamespaces: cluster.governedNamespaces,
      pollIntervalMs: this.pollIntervalMs,
      now: this.#now,
    });
    return { target, expiresAt };
  }

  #describe(): Promise<EksClusterEndpoint> {
    this.#endpoint ??= describeCluster(this.#options.eks, this.cluster).catch((error: unknown) => {
      this.#endpoint = undefined;
      throw error;
    });
    return this.#endpoint;
  }
}

/** The cluster's endpoint and CA; a cluster that is not ACTIVE cannot take a rollout. */
export async function describeCluster(eks: EKSClient, name: string): Promise<EksClusterEndpoint> {
  let cluster: Cluster | undefined;
  try {
    ({ cluster } = await eks.send(new DescribeClusterCommand({ name })));
  } catch (error) {
    throw new ClusterUnavailableError(`EKS cluster ${name}: ${describeFailure(error)}`);
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

function describeFailure(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
