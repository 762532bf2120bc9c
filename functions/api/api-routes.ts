/**
 * The auditor API's route table: every route, once. The router serves it, the OpenAPI document describes
 * it, permissions.ts authorises it and the CDK stack creates one API Gateway route per entry.
 */
import { listAccessLog } from './access-log.ts';
import { getDecision, listDecisions, listRejections } from './decisions.ts';
import {
  getDeployment,
  listDeployments,
  requestDeploymentRoute,
  rollbackDeploymentRoute,
} from './deployments.ts';
import { grantExceptionRoute, listExceptions, revokeExceptionRoute } from './exceptions.ts';
import { getCheckpoint, proveConsistency, proveInclusion } from './ledger.ts';
import { getLedgerExport, startLedgerExport } from './ledger-exports.ts';
import { health, openApiRoute } from './meta.ts';
import { listModels, modelHistory } from './models.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { downloadReport, getReport, startReport } from './reports.ts';
import type { ApiRoute } from './route.ts';

let document: object | undefined;

export const API_ROUTES: readonly ApiRoute[] = [
  health,
  openApiRoute(() => openApiDocument()),
  listDecisions,
  getDecision,
  listRejections,
  listModels,
  modelHistory,
  listExceptions,
  grantExceptionRoute,
  revokeExceptionRoute,
  listDeployments,
  getDeployment,
  requestDeploymentRoute,
  rollbackDeploymentRoute,
  getCheckpoint,
  proveInclusion,
  proveConsistency,
  startLedgerExport,
  getLedgerExport,
  startReport,
  getReport,
  listAccessLog,
];

/** The local server's table: the API's, and report download links (in AWS, S3 presigned URLs). */
export const LOCAL_API_ROUTES: readonly ApiRoute[] = [...API_ROUTES, downloadReport];

/** Describes the local download route too, marked `x-verdict-local-only`: one document for both. */
export function openApiDocument(): object {
  document ??= buildOpenApiDocument(LOCAL_API_ROUTES);
  return document;
}
