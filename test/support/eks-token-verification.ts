/**
 * The checks aws-iam-authenticator (and so EKS) makes on an access-entry bearer token before it asks STS who
 * signed it: the `k8s-aws-v1.` prefix, a presigned `GetCallerIdentity` URL on the expected STS endpoint with
 * only the parameters a presigned URL has, `X-Amz-Expires` of at most 60 seconds, the cluster id header
 * among the signed headers, and a signing date no older than 15 minutes.
 */
import {
  CLUSTER_ID_HEADER,
  EKS_TOKEN_PREFIX,
} from '../../functions/adapters/kubernetes/eks-authentication.ts';

/** A token refused before or by STS; the reason is what the webhook's log says. */
export class TokenRefusedError extends Error {
  override readonly name = 'TokenRefusedError';
}

/** A presigned GetCallerIdentity request, checked and ready to replay to STS with the cluster id header. */
export interface PresignedCallerIdentity {
  readonly url: URL;
  /** The cluster this API server is: the value of the signed `x-k8s-aws-id` header on replay. */
  readonly clusterName: string;
  readonly accessKeyId: string;
  readonly region: string;
  readonly signingDate: Date;
  readonly expiresInSeconds: number;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  readonly sessionToken?: string;
}

const MAX_EXPIRES_SECONDS = 60;
const MAX_TOKEN_AGE_MS = 15 * 60 * 1000;
const ALLOWED_PARAMETERS = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** `<access key>/<yyyymmdd>/<region>/sts/aws4_request` */
const CREDENTIAL_SCOPE = /^([A-Z0-9]{16,128})\/(\d{8})\/([a-z0-9-]+)\/sts\/aws4_request$/;

export interface VerificationContext {
  readonly clusterName: string;
  /** The STS endpoint tokens must name (scheme and host). */
  readonly stsEndpoint: string;
  readonly now: Date;
}

export function verifyEksToken(token: string, context: VerificationContext): PresignedCallerIdentity {
  if (!token.startsWith(EKS_TOKEN_PREFIX))
    throw new TokenRefusedError('token is missing expected "k8s-aws-v1." prefix');
  const encoded = token.slice(EKS_TOKEN_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw new TokenRefusedError('token is not base64url');
  let url: URL;
  try {
    url = new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new TokenRefusedError('token does not hold a URL');
  }
  const sts = new URL(context.stsEndpoint);
  if (url.protocol !== sts.protocol || url.host !== sts.host) {
    throw new TokenRefusedError(`unexpected STS endpoint ${url.protocol}//${url.host}`);
  }
  if (url.pathname !== '/') throw new TokenRefusedError(`unexpected path ${url.pathname}`);
  const parameters = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    const lower = key.toLowerCase();
    if (!ALLOWED_PARAMETERS.has(lower)) throw new TokenRefusedError(`unexpected query parameter ${key}`);
    if (parameters.has(lower)) throw new TokenRefusedError(`query parameter ${key} given twice`);
    parameters.set(lower, value);
  }
  if (parameters.get('action') !== 'GetCallerIdentity') {
    throw new TokenRefusedError('unexpected action: not GetCallerIdentity');
  }
  if (parameters.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') {
    throw new TokenRefusedError('unexpected signing algorithm');
  }
  const signedHeaders = (parameters.get('x-amz-signedheaders') ?? '').split(';');
  if (!signedHeaders.includes(CLUSTER_ID_HEADER)) {
    throw new TokenRefusedError(`${CLUSTER_ID_HEADER} is not a signed header`);
  }
  const expires = Number(parameters.get('x-amz-expires'));
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SECONDS) {
    throw new TokenRefusedError(`X-Amz-Expires must be 1..${MAX_EXPIRES_SECONDS} seconds`);
  }
  const date = AMZ_DATE.exec(parameters.get('x-amz-date') ?? '');
  if (!date) throw new TokenRefusedError('X-Amz-Date is missing or malformed');
  const [, year, month, day, hour, minute, second] = date.map(Number) as number[];
  const signingDate = new Date(Date.UTC(year as number, (month as number) - 1, day, hour, minute, second));
  const age = context.now.getTime() - signingDate.getTime();
  if (age > MAX_TOKEN_AGE_MS)
    throw new TokenRefusedError('X-Amz-Date parameter is expired (15 minute expiration)');
  if (age < -MAX_TOKEN_AGE_MS) throw new TokenRefusedError('X-Amz-Date parameter is in the future');
  const scope = CREDENTIAL_SCOPE.exec(parameters.get('x-amz-credential') ?? '');
  if (!scope) throw new TokenRefusedError('X-Amz-Credential is not an STS credential scope');
  const signature = parameters.get('x-amz-signature') ?? '';
  if (!/^[0-9a-f]{64}$/.test(signature)) throw new TokenRefusedError('X-Amz-Signature is malformed');
  const sessionToken = parameters.get('x-amz-security-token');
  return {
    url,
    clusterName: context.clusterName,
    accessKeyId: scope[1] as string,
    region: scope[3] as string,
    signingDate,
    expiresInSeconds: expires,
    signedHeaders,
    signature,
    ...(sessionToken ? { sessionToken } : {}),
  };
}
