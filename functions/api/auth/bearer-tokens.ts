/**
 * Bearer tokens for the local server: EdDSA-signed JWTs (`verdict token create`) carrying the caller's
 * role. The key pair lives in the data directory (adapters/local/token-key-file.ts); this file only
 * signs and verifies.
 */

import { type KeyObject, randomUUID } from 'node:crypto';
import { compactVerify, errors, jwtVerify, SignJWT } from 'jose';
import type { Principal, Role } from '../../contracts/principal.ts';
import { type FieldNamer, fieldName } from '../../shared/validation.ts';
import { type Authentication, type Authenticator, isRole } from './authentication.ts';

export const TOKEN_ISSUER = 'verdict-local';
export const TOKEN_AUDIENCE = 'verdict-api';
export const DEFAULT_TOKEN_TTL = '8h';
export const MAX_TOKEN_TTL_SECONDS = 7 * 24 * 3600;
const BEARER_CHALLENGE = 'Bearer realm="verdict"';
/** Leeway for clocks that disagree slightly (exp, iat, nbf). */
const CLOCK_TOLERANCE_SECONDS = 5;

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90s`, `30m`, `8h`, `7d` in seconds; at most 7 days. RangeError otherwise, naming the field with `name`. */
export function parseTtl(text: string, name: FieldNamer = fieldName): number {
  const match = /^([1-9][0-9]{0,6})([smhd])$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * (UNITS[match[2] as string] as number) : Number.NaN;
  if (!Number.isSafeInteger(seconds)) {
    throw new RangeError(`${name('ttl')} ${text}: expected a number and a unit, e.g. 30m, 8h or 7d`);
  }
  if (seconds > MAX_TOKEN_TTL_SECONDS)
    throw new RangeError(`${name('ttl')} ${text}: a token lasts at most 7d`);
  return seconds;
}

export interface IssuedToken {
  token: string;
  subject: string;
  role: Role;
  jti: string;
  issuedAt: Date;
  expiresAt: Date;
}

export async function issueToken(
  privateKey: KeyObject,
  options: { role: Role; subject: string; ttlSeconds: number; now?: Date },
): Promise<IssuedToken> {
  if (!isRole(options.role)) throw new RangeError(`unknown role ${String(options.role)}`);
  if (!/^[\w.@+-]{1,128}$/.test(options.subject)) {
    throw new RangeError(`subject "${options.subject}": 1-128 letters, digits and . _ @ + -`);
  }
  if (
    !Number.isSafeInteger(options.ttlSeconds) ||
    options.ttlSeconds < 1 ||
    options.ttlSeconds > MAX_TOKEN_TTL_SECONDS
  ) {
    throw new RangeError(`ttl must be 1 s to ${MAX_TOKEN_TTL_SECONDS} s`);
  }
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const expiresAt = issuedAt + options.ttlSeconds;
  const jti = randomUUID();
  const token = await new SignJWT({ role: options.role })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(options.subject)
    .setJti(jti)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(privateKey);
  return {
    token,
    subject: options.subject,
    role: options.role,
    jti,
    issuedAt: new Date(issuedAt * 1000),
    expiresAt: new Date(expiresAt * 1000),
  };
}

export interface BearerTokenOptions {
  now?: () => Date;
  /** Consulted on every call, after the signature verifies: a revoked token is refused. */
  isRevoked?: (jti: string) => boolean | Promise<boolean>;
}

/** Verifies `Authorization: Bearer <token>` against the local public key. */
export function bearerTokenAuthenticator(
  publicKey: KeyObject,
  options: BearerTokenOptions = {},
): Authenticator {
  const { now, isRevoked } = options;
  return async (event) => {
    const header = event.headers?.authorization ?? event.headers?.Authorization;
    if (!header) return unauthenticated('missing Authorization: Bearer <token>');
    const match = /^Bearer[ ]+([A-Za-z0-9_.-]+)[ ]*$/i.exec(header);
    if (!match?.[1]) return unauthenticated('expected Authorization: Bearer <token>');
    try {
      const { payload } = await jwtVerify(match[1], publicKey, {
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        algorithms: ['EdDSA'],
        requiredClaims: ['exp', 'iat', 'jti', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        ...(now && { currentDate: now() }),
      });
      const { exp, iat, sub, jti, role } = payload as {
        exp: number;
        iat: number;
        sub: string;
        jti: string;
        role?: unknown;
      };
      if (exp - iat > MAX_TOKEN_TTL_SECONDS) return unauthenticated('token lifetime exceeds 7 days');
      const nowSeconds = (now?.() ?? new Date()).getTime() / 1000;
      if (iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) return unauthenticated('token issued in the future');
      if (await isRevoked?.(jti)) return unauthenticated('token revoked');
      if (!isRole(role)) return { kind: 'no-role', caller: sub, detail: 'the token carries no known role' };
      const principal: Principal = { id: sub, role, via: 'token' };
      return { kind: 'principal', principal };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return unauthenticated('token expired');
      if (error instanceof errors.JOSEError) return unauthenticated('invalid token');
      throw error;
    }
  };
}

const TOKEN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The id (`jti`) of a token given as a token id or as the token itself; a token must carry this key's
 * signature (expired or not). RangeError otherwise.
 */
export async function tokenId(tokenOrId: string, publicKey: KeyObject): Promise<string> {
  if (TOKEN_ID.test(tokenOrId)) return tokenOrId;
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(tokenOrId, publicKey, { algorithms: ['EdDSA'] }));
  } catch {
    throw new RangeError("expected a token id (a UUID) or a token signed by this data directory's key");
  }
  const jti = (JSON.parse(Buffer.from(payload).toString('utf8')) as { jti?: unknown }).jti;
  if (typeof jti !== 'string' || !TOKEN_ID.test(jti)) throw new RangeError('the token carries no token id');
  return jti;
}

function unauthenticated(detail: string): Authentication {
  return { kind: 'unauthenticated', detail, challenge: BEARER_CHALLENGE };
}
