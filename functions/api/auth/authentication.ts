/** Who is calling: the outcome of authenticating one request, before the permission check. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type Principal, ROLES, type Role } from '../../contracts/principal.ts';

export type Authentication =
  /** A caller with a role. */
  | { kind: 'principal'; principal: Principal }
  /** No credentials, or credentials that do not verify: 401. `challenge` is the WWW-Authenticate value. */
  | { kind: 'unauthenticated'; detail: string; challenge?: string }
  /** A verified caller without a role (an IAM principal missing from the role map): 403. */
  | { kind: 'no-role'; caller: string; detail: string };

/** Authenticates from the API Gateway v2 event: its headers locally, its authorizer context in AWS. */
export type Authenticator = (event: APIGatewayProxyEventV2) => Promise<Authentication>;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
