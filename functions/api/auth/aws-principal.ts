/**
 * Callers in AWS: API Gateway has already verified them (IAM SigV4, or a JWT from the OIDC issuer); this
 * maps the verified identity to a role with the deployment's configuration. Unmapped callers get 403.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Role } from '../../contracts/principal.ts';
import { callerRoles } from '../permissions.ts';
import type { Authentication, Authenticator } from './authentication.ts';
import { canonicalPrincipalArn, DEFAULT_GROUPS_CLAIM } from './aws-identity.ts';

export interface AwsAuthConfig {
  /** IAM role or user ARN -> role (context `verdict:apiRoleMap`). */
  roleMap: Readonly<Record<string, Role>>;
  /** The claim listing the caller's groups in a JWT; default `cognito:groups`. */
  groupsClaim?: string;
  /** Group -> role: the only way a JWT group gets a role (a group named "admin" gets none by itself). */
  groupRoles?: Readonly<Record<string, Role>>;
}

interface AuthorizerContext {
  iam?: { userArn?: string | null };
  jwt?: { claims?: Record<string, unknown> };
}

/** A JWT claim as API Gateway passes it: an array, or a string such as `[a b]`, `["a","b"]` or `a,b`. */
export function claimValues(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  const text = claim.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      return text
        .slice(1, -1)
        .split(/[\s,]+/)
        .filter(Boolean);
    }
  }
  return text.split(/[\s,]+/).filter(Boolean);
}

export function awsAuthenticator(config: AwsAuthConfig): Authenticator {
  const roleMap = new Map<string, Role>();
  for (const [arn, role] of Object.entries(config.roleMap)) {
    const canonical = canonicalPrincipalArn(arn);
    if (!canonical) throw new RangeError(`verdict:apiRoleMap: not an IAM role or user ARN: ${arn}`);
    roleMap.set(canonical, role);
  }
  const groupsClaim = config.groupsClaim ?? DEFAULT_GROUPS_CLAIM;
  // Explicit only: whoever can create groups at the issuer must not be able to mint an "admin".
  const groupRoles = new Map<string, Role>(Object.entries(config.groupRoles ?? {}));

  return async (event: APIGatewayProxyEventV2): Promise<Authentication> => {
    const authorizer = (event.requestContext as { authorizer?: AuthorizerContext }).authorizer;
    const userArn = authorizer?.iam?.userArn;
    if (userArn) {
      const canonical = canonicalPrincipalArn(userArn);
      const role = canonical ? roleMap.get(canonical) : undefined;
      if (!role)
        return { kind: 'no-role', caller: userArn, detail: 'this IAM principal has no Verdict role' };
      return { kind: 'principal', principal: { id: userArn, role, via: 'iam' } };
    }
    const claims = authorizer?.jwt?.claims;
    if (claims) {
      const caller = String(claims['cognito:username'] ?? claims.username ?? claims.sub ?? 'unknown');
      const held = callerRoles(claimValues(claims[groupsClaim]).flatMap((g) => groupRoles.get(g) ?? []));
      if (!held)
        return { kind: 'no-role', caller, detail: `no group in ${groupsClaim} maps to a Verdict role` };
      return { kind: 'principal', principal: { id: caller, ...held, via: 'jwt' } };
    }
    return { kind: 'unauthenticated', detail: 'the request carries no verified IAM or JWT identity' };
  };
}
