/**
 * The one permission table: which role may call which route. Public routes (health, the OpenAPI document)
 * need no role. Each role holds every permission of the roles before it.
 */
import type { Role } from '../contracts/principal.ts';
import type { LocalRouteId } from './route.ts';
import type { RouteId } from './route-table.ts';

export const PUBLIC_ROUTES = ['health.get', 'openapi.get'] as const satisfies readonly RouteId[];

/**
 * Read the record: decisions, the model inventory and history, exceptions, the ledger, its proofs and
 * exports of it (an export copies what an auditor may read already, verifiable offline), finished reports.
 */
const AUDITOR: readonly RouteId[] = [
  'decisions.list',
  'decisions.get',
  'models.list',
  'models.history',
  'exceptions.list',
  'ledger.checkpoint',
  'ledger.inclusion',
  'ledger.consistency',
  'ledger-exports.start',
  'ledger-exports.get',
  'reports.get',
];

/**
 * Also start reports (each is kept under Object Lock for the retention period, so issuing one is a
 * compliance act), grant and revoke exceptions (the caller is the accountable approver) and read rejected events
 * (their messages describe inputs, not just outcomes).
 */
const COMPLIANCE_OFFICER: readonly RouteId[] = [
  ...AUDITOR,
  'reports.start',
  'exceptions.grant',
  'exceptions.revoke',
  'rejections.list',
];

/** Also read the access log: who called the API, and what they asked for. */
const ADMIN: readonly RouteId[] = [...COMPLIANCE_OFFICER, 'access-log.list'];

export const PERMISSIONS: Readonly<Record<Role, readonly RouteId[]>> = {
  auditor: AUDITOR,
  'compliance-officer': COMPLIANCE_OFFICER,
  admin: ADMIN,
};

/** Least to most privileged: a caller with several roles (JWT groups) acts with the most privileged one. */
export const ROLE_RANK: readonly Role[] = ['auditor', 'compliance-officer', 'admin'];

export function mayCall(role: Role, route: RouteId | LocalRouteId): boolean {
  return PERMISSIONS[role].includes(route as RouteId);
}

export function mostPrivileged(roles: readonly Role[]): Role | undefined {
  return [...roles].sort((a, b) => ROLE_RANK.indexOf(b) - ROLE_RANK.indexOf(a))[0];
}
