/**
 * The auditor API's routes as API Gateway sees them: id, method, path template, and whether anyone may call
 * it. The route modules (api-routes.ts) add schemas and handlers to these; the CDK stack creates one API
 * Gateway route per entry without loading them.
 */

export const ROUTE_IDS = [
  'health.get',
  'openapi.get',
  'decisions.list',
  'decisions.get',
  'rejections.list',
  'models.list',
  'models.history',
  'exceptions.list',
  'exceptions.grant',
  'exceptions.revoke',
  'deployments.list',
  'deployments.get',
  'deployments.request',
  'deployments.rollback',
  'ledger.checkpoint',
  'ledger.inclusion',
  'ledger.consistency',
  'ledger-exports.start',
  'ledger-exports.get',
  'reports.start',
  'reports.get',
  'access-log.list',
] as const;
export type RouteId = (typeof ROUTE_IDS)[number];

export interface DeclaredRoute {
  method: 'GET' | 'POST';
  /** OpenAPI path template, e.g. `/decisions/{id}`. */
  path: string;
  /** Answered without authentication (health, the OpenAPI document). */
  public?: boolean;
  /**
   * Served by `verdict serve` only, never created in API Gateway (the OpenAPI document marks it
   * `x-verdict-local-only`).
   */
  localOnly?: boolean;
}

export const API_ROUTE_TABLE: Readonly<Record<RouteId, DeclaredRoute>> = {
  'health.get': { method: 'GET', path: '/health', public: true },
  'openapi.get': { method: 'GET', path: '/openapi.json', public: true },
  'decisions.list': { method: 'GET', path: '/decisions' },
  'decisions.get': { method: 'GET', path: '/decisions/{id}' },
  'rejections.list': { method: 'GET', path: '/rejections' },
  'models.list': { method: 'GET', path: '/models' },
  'models.history': { method: 'GET', path: '/models/{id}/history' },
  'exceptions.list': { method: 'GET', path: '/exceptions' },
  'exceptions.grant': { method: 'POST', path: '/exceptions' },
  'exceptions.revoke': { method: 'POST', path: '/exceptions/{id}/revocation' },
  'deployments.list': { method: 'GET', path: '/deployments' },
  'deployments.get': { method: 'GET', path: '/deployments/{id}' },
  'deployments.request': { method: 'POST', path: '/deployments' },
  'deployments.rollback': { method: 'POST', path: '/deployments/{id}/rollback' },
  'ledger.checkpoint': { method: 'GET', path: '/ledger/checkpoint' },
  'ledger.inclusion': { method: 'GET', path: '/ledger/proofs/inclusion' },
  'ledger.consistency': { method: 'GET', path: '/ledger/proofs/consistency' },
  'ledger-exports.start': { method: 'POST', path: '/ledger/exports' },
  'ledger-exports.get': { method: 'GET', path: '/ledger/exports/{id}' },
  'reports.start': { method: 'POST', path: '/reports' },
  'reports.get': { method: 'GET', path: '/reports/{id}' },
  'access-log.list': { method: 'GET', path: '/access-log' },
};

/**
 * Routes only the local server has: report download links (the report, `?part=manifest`,
 * `?part=citations`), which are S3 presigned URLs in AWS.
 */
const LOCAL_ROUTE_IDS = ['reports.download'] as const;
export type LocalRouteId = (typeof LOCAL_ROUTE_IDS)[number];

export const LOCAL_ROUTE_TABLE: Readonly<Record<LocalRouteId, DeclaredRoute>> = {
  // The link itself authorises the download, as a presigned URL does.
  'reports.download': { method: 'GET', path: '/reports/{id}/download', public: true, localOnly: true },
};
