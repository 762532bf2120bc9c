/**
 * The one permission table: which role may call which route. Public routes (health, the OpenAPI document)
 * need no role. Every role holds the auditor's permissions; deployer and compliance-officer add different
 * writes (neither holds the other's) and admin holds them all.
 */
import type { Principal, Role } from '../contracts/principal.ts';
import type { LocalRouteId } from './route.ts';
import type { RouteId } from './route-table.ts';

export const PUBLIC_ROUTES = ['health.get', 'openapi.get'] as const satisfies readonly RouteId[];

/**
 * Read the record: decisions, the model inventory and history, exceptions, deployments, the ledger, its
 * proofs and exports of it (an export copies what an auditor may read already, verifiable offline),
 * finished reports.
 */
const AUDITOR: readonly RouteId[] = [
  'decisions.list',
  'decisions.get',
  'models.list',
  'models.history',
  'exceptions.list',
  'deployments.list',
  'deployments.get',
  'ledger.checkpoint',
  'ledger.inclusion',
  'ledger.consistency',
  'ledger-exports.start',
  'ledger-exports.get',
  'reports.get',
];

/**
 * Also request deployments and roll them back: the deployment gate decides on each request, so the role
 * grants asking, never deploying past the gate. Nothing of a compliance officer's.
 */
const DEPLOYMENT_WRITES: readonly RouteId[] = ['deployments.request', 'deployments.rollback'];
const DEPLOYER: readonly RouteId[] = [...AUDITOR, ...DEPLOYMENT_WRITES];

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

/** Everything: a compliance officer's and a deployer's permissions, and the access log (who called the API). */
const ADMIN: readonly RouteId[] = [...COMPLIANCE_OFFICER, ...DEPLOYMENT_WRITES, 'access-log.list'];

export const PERMISSIONS: Readonly<Record<Role, readonly RouteId[]>> = {
  auditor: AUDITOR,
  deployer: DEPLOYER,
  'compliance-officer': COMPLIANCE_OFFICER,
  admin: ADMIN,
};

/**
 * Least to most privileged: the role a caller with several roles (JWT groups) is named by. Deployer and
 * compliance-officer are not nested (each has writes the other lacks): what a caller may call is checked
 * against every role it holds (`mayCall`), the rank only names the caller.
 */
export const ROLE_RANK: readonly Role[] = ['auditor', 'deployer', 'compliance-officer', 'admin'];

/** Whether a caller with this role (or any of these roles) may call the route. */
export function mayCall(roles: Role | readonly Role[], route: RouteId | LocalRouteId): boolean {
  const held: readonly Role[] = typeof roles === 'string' ? [roles] : roles;
  return held.some((role) => PERMISSIONS[role].includes(route as RouteId));
}

/** Every role the principal holds. */
export function rolesOf(principal: Principal): readonly Role[] {
  return principal.roles ?? [principal.role];
}

export function mostPrivileged(roles: readonly Role[]): Role | undefined {
  return [...roles].sort((a, b) => ROLE_RANK.indexOf(b) - ROLE_RANK.indexOf(a))[0];
}

/**
 * A caller holding `held` (JWT groups): named by its most privileged role, and carrying every role it holds
 * when that one does not cover the others (deployer and compliance-officer together).
 */
export function callerRoles(held: readonly Role[]): { role: Role; roles?: Role[] } | undefined {
  const roles = [...new Set(held)];
  const role = mostPrivileged(roles);
  if (!role) return undefined;
  const covered = roles.every((other) => PERMISSIONS[other].every((route) => mayCall(role, route)));
  return covered
    ? { role }
    : { role, roles: roles.sort((a, b) => ROLE_RANK.indexOf(a) - ROLE_RANK.indexOf(b)) };
}
