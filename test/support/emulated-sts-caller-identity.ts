/**
 * STS's side of an EKS token, against the AWS emulator: checks the presigned request's SigV4 signature the
 * way STS does, then replays the request to the emulator's STS, which names the caller.
 *
 * Two gaps of moto make this more than a plain replay. moto routes a request to a service by its
 * Authorization header (a presigned URL has none), so the replay rebuilds the header from
 * `X-Amz-Credential`, `X-Amz-SignedHeaders` and `X-Amz-Signature`. And moto checks no signature, so the
 * signature is checked here with the secret keys the emulator issued (the test registers the credentials
 * its AssumeRole calls returned): without it, a token for another cluster or with another access key id
 * would pass.
 */
import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { CLUSTER_ID_HEADER } from '../../functions/adapters/kubernetes/eks-authentication.ts';
import { type PresignedCallerIdentity, TokenRefusedError } from './eks-token-verification.ts';

export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface CallerIdentity {
  readonly arn: string;
  readonly account: string;
  readonly userId: string;
}

/** Parameters the signer adds to a presigned URL itself; the rest is the request that was signed. */
const SIGNER_PARAMETERS = new Set([
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);

/** The credentials the emulator handed out, by access key id: what STS knows and a webhook does not. */
export class IssuedCredentialsRegistry {
  readonly #byAccessKeyId = new Map<string, IssuedCredentials>();

  register(credentials: IssuedCredentials): void {
    this.#byAccessKeyId.set(credentials.accessKeyId, credentials);
  }

  find(accessKeyId: string): IssuedCredentials | undefined {
    return this.#byAccessKeyId.get(accessKeyId);
  }
}

/** Who signed the request, or a TokenRefusedError with the error STS would answer. */
export async function emulatedStsCallerIdentity(
  request: PresignedCallerIdentity,
  issued: IssuedCredentialsRegistry,
): Promise<CallerIdentity> {
  await checkSignature(request, issued);
  const { url } = request;
  const response = await fetch(url, {
    headers: {
      [CLUSTER_ID_HEADER]: request.clusterName,
      authorization:
        `AWS4-HMAC-SHA256 Credential=${url.searchParams.get('X-Amz-Credential')}, ` +
        `SignedHeaders=${request.signedHeaders.join(';')}, Signature=${request.signature}`,
    },
    signal: AbortSignal.timeout(5_000),
  });
  const body = await response.text();
  if (!response.ok)
    throw new TokenRefusedError(`STS answered HTTP ${response.status}: ${body.slice(0, 200)}`);
  const field = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(body)?.[1];
  const [arn, account, userId] = [field('Arn'), field('Account'), field('UserId')];
  if (!arn || !account || !userId) throw new TokenRefusedError('STS named no caller');
  return { arn, account, userId };
}

async function checkSignature(
  request: PresignedCallerIdentity,
  issued: IssuedCredentialsRegistry,
): Promise<void> {
  const credentials = issued.find(request.accessKeyId);
  if (!credentials) throw new TokenRefusedError('InvalidClientTokenId: the access key id is not known');
  const query: Record<string, string> = {};
  for (const [key, value] of request.url.searchParams) {
    if (!SIGNER_PARAMETERS.has(key.toLowerCase())) query[key] = value;
  }
  const signer = new SignatureV4({ credentials, region: request.region, service: 'sts', sha256: Sha256 });
  const expected = await signer.presign(
    {
      method: 'GET',
      protocol: request.url.protocol,
      hostname: request.url.hostname,
      ...(request.url.port ? { port: Number(request.url.port) } : {}),
      path: request.url.pathname,
      query,
      headers: Object.fromEntries(
        request.signedHeaders.map((name) => [name, signedHeaderValue(request, name)]),
      ),
    },
    { expiresIn: request.expiresInSeconds, signingDate: request.signingDate },
  );
  const signature = String(expected.query?.['X-Amz-Signature'] ?? '');
  const matches =
    signature.length === request.signature.length &&
    timingSafeEqual(Buffer.from(signature), Buffer.from(request.signature));
  if (!matches || expected.query?.['X-Amz-Security-Token'] !== request.sessionToken) {
    throw new TokenRefusedError('SignatureDoesNotMatch');
  }
}

/** The value a replayed header has: the host, this cluster's name; any other signed header is empty. */
function signedHeaderValue(request: PresignedCallerIdentity, name: string): string {
  if (name === 'host') return request.url.host;
  if (name === CLUSTER_ID_HEADER) return request.clusterName;
  return '';
}
