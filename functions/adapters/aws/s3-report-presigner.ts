/**
 * Presigned S3 GET links for finished reports: AWS Signature Version 4 with query-string authentication
 * (UNSIGNED-PAYLOAD, only the host header signed), as @aws-sdk/s3-request-presigner makes them. It is here
 * because that package is not a dependency; swap it in when it is (same URLs). Credentials and region
 * come from the S3 client, so the link is signed by the function's role and its session token.
 */
import { createHmac } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { sha256Hex } from '../../shared/hashing.ts';

/** S3 refuses presigned URLs valid for longer than seven days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export interface PresignCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface PresignGet {
  bucket: string;
  key: string;
  region: string;
  credentials: PresignCredentials;
  expiresInSeconds: number;
  now: Date;
  /** Extra query parameters that S3 applies to the response, e.g. `response-content-disposition`. */
  query?: Record<string, string>;
  /** Default `https://s3.<region>.amazonaws.com` (virtual-hosted: `<bucket>.s3.<region>...`); e.g. an emulator's. */
  endpoint?: string;
  /** `https://endpoint/<bucket>/<key>` instead of `https://<bucket>.endpoint/<key>`; default: with a custom endpoint. */
  forcePathStyle?: boolean;
}

/** RFC 3986 percent-encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ (and `/` in paths). */
function uriEncode(text: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const hmac = (key: Uint8Array | string, data: string) =>
  createHmac('sha256', key).update(data, 'utf8').digest();

export function presignGetUrl(p: PresignGet): string {
  if (
    !Number.isInteger(p.expiresInSeconds) ||
    p.expiresInSeconds < 1 ||
    p.expiresInSeconds > MAX_PRESIGN_SECONDS
  )
    throw new RangeError(
      `a presigned URL lasts 1 to ${MAX_PRESIGN_SECONDS} seconds, not ${p.expiresInSeconds}`,
    );
  const amzDate = p.now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const scope = `${date}/${p.region}/s3/aws4_request`;
  const endpoint = new URL(p.endpoint ?? `https://s3.${p.region}.amazonaws.com`);
  const pathStyle = p.forcePathStyle ?? p.endpoint !== undefined;
  const origin = pathStyle ? endpoint.origin : `${endpoint.protocol}//${p.bucket}.${endpoint.host}`;
  const path = pathStyle ? `/${uriEncode(p.bucket)}/${uriEncode(p.key, true)}` : `/${uriEncode(p.key, true)}`;
  const host = new URL(origin).host;
  const params: Record<string, string> = {
    ...p.query,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${p.credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(p.expiresInSeconds),
    'X-Amz-SignedHeaders': 'host',
    ...(p.credentials.sessionToken ? { 'X-Amz-Security-Token': p.credentials.sessionToken } : {}),
  };
  const query = Object.keys(params)
    .sort()
    .map((k) => `${uriEncode(k)}=${uriEncode(params[k] ?? '')}`)
    .join('&');
  const canonicalRequest = ['GET', path, query, `host:${host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${p.credentials.secretAccessKey}`, date), p.region), 's3'),
    'aws4_request',
  );
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return `${origin}${path}?${query}&X-Amz-Signature=${signature}`;
}

/** Presigns with the S3 client's credentials and region (the function's role in Lambda). */
export async function presignWithClient(
  client: S3Client,
  request: Omit<PresignGet, 'region' | 'credentials'>,
): Promise<string> {
  const credentials = await client.config.credentials();
  const region = await client.config.region();
  return presignGetUrl({
    ...request,
    region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
  });
}
