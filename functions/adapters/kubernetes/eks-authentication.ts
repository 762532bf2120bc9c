/**
 * How Verdict's deployer role talks to an EKS cluster without a kubeconfig on disk: the bearer token of EKS
 * access entries (what `aws eks get-token` prints) and a client configuration for the cluster's endpoint.
 *
 * The token is `k8s-aws-v1.` + base64url (no padding) of a presigned STS `GetCallerIdentity` URL that also
 * signs the header `x-k8s-aws-id: <cluster name>`, so a token for one cluster is worthless on another. EKS
 * replays the URL to STS to learn the caller's IAM identity, then maps it through the cluster's access
 * entries. The URL is valid for 60 seconds of clock skew; clients treat the token as valid for 14 minutes.
 *
 * The endpoint and certificate authority come from EKS `DescribeCluster` (`cluster.endpoint`,
 * `cluster.certificateAuthority.data`); the caller passes them in, since the EKS client is not a dependency.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** `X-Amz-Expires` of the presigned URL: what `aws eks get-token` and aws-iam-authenticator use. */
export const PRESIGNED_URL_SECONDS = 60;
/** How long clients reuse a token: the authenticator accepts it for 15 minutes after signing. */
export const TOKEN_LIFETIME_SECONDS = 14 * 60;

type Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface EksTokenOptions {
  readonly clusterName: string;
  /** The region of the cluster (and of the STS endpoint the token names). */
  readonly region: string;
  /** AWS credentials or a provider, e.g. `new STSClient({}).config.credentials` in a Lambda. */
  readonly credentials: Credentials;
  /** Defaults to the regional STS endpoint of the region's partition. */
  readonly stsEndpoint?: string;
  readonly now?: () => Date;
}

export interface EksToken {
  readonly token: string;
  /** When to get a new one. */
  readonly expiresAt: Date;
}

const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** A bearer token for the cluster, signed with the given credentials. */
export async function eksBearerToken(options: EksTokenOptions): Promise<EksToken> {
  if (!CLUSTER_NAME.test(options.clusterName)) {
    throw new RangeError(`not an EKS cluster name: ${JSON.stringify(options.clusterName)}`);
  }
  if (!REGION.test(options.region))
    throw new RangeError(`not an AWS region: ${JSON.stringify(options.region)}`);
  const endpoint = new URL(options.stsEndpoint ?? defaultStsEndpoint(options.region));
  const signingDate = (options.now ?? (() => new Date()))();
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: 'sts',
    sha256: Sha256,
  });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
      path: endpoint.pathname,
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: endpoint.host, [CLUSTER_ID_HEADER]: options.clusterName },
    },
    { expiresIn: PRESIGNED_URL_SECONDS, signingDate },
  );
  const url = new URL(`${endpoint.protocol}//${endpoint.host}${presigned.path}`);
  for (const [key, value] of Object.entries(presigned.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value])
      if (item !== null) url.searchParams.append(key, item);
  }
  return {
    token: EKS_TOKEN_PREFIX + Buffer.from(url.toString()).toString('base64url'),
    expiresAt: new Date(signingDate.getTime() + TOKEN_LIFETIME_SECONDS * 1000),
  };
}

export interface EksClusterEndpoint {
  readonly clusterName: string;
  /** `cluster.endpoint` of DescribeCluster, e.g. `https://ABCD.gr7.eu-west-1.eks.amazonaws.com`. */
  readonly endpoint: string;
  /** `cluster.certificateAuthority.data` of DescribeCluster: the base64 PEM of the cluster's CA. */
  readonly certificateAuthorityData: string;
}

/**
 * A client configuration for the cluster that authenticates with `token` and trusts only the cluster's CA.
 * Build a new one before the token's `expiresAt`.
 */
export function eksKubeConfig(cluster: EksClusterEndpoint, token: string): KubeConfig {
  const endpoint = new URL(cluster.endpoint);
  if (endpoint.protocol !== 'https:') throw new RangeError(`not an https endpoint: ${cluster.endpoint}`);
  if (!cluster.certificateAuthorityData) throw new RangeError('the cluster certificate authority is missing');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: cluster.clusterName,
        server: endpoint.origin,
        caData: cluster.certificateAuthorityData,
        skipTLSVerify: false,
      },
    ],
    users: [{ name: 'verdict-deployer', token }],
    contexts: [{ name: cluster.clusterName, cluster: cluster.clusterName, user: 'verdict-deployer' }],
    currentContext: cluster.clusterName,
  });
  return kubeConfig;
}

/** Signs a fresh token and returns a configuration for the cluster, with when to build the next one. */
export async function eksClusterKubeConfig(
  cluster: EksClusterEndpoint,
  signing: Omit<EksTokenOptions, 'clusterName'>,
): Promise<{ kubeConfig: KubeConfig; expiresAt: Date }> {
  const { token, expiresAt } = await eksBearerToken({ ...signing, clusterName: cluster.clusterName });
  return { kubeConfig: eksKubeConfig(cluster, token), expiresAt };
}

function defaultStsEndpoint(region: string): string {
  return `https://sts.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}/`;
}
