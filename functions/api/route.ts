/**
 * One API route: method, path template, zod schemas for what it takes and returns, and the function that
 * answers it. The router validates and authorises with these; the OpenAPI document is generated from them.
 */
import type { z } from 'zod';
import type { Principal } from '../contracts/principal.ts';
import type { ExceptionAdmission } from '../gates/exceptions/grant-exception.ts';
import type { AccessLog } from '../ports/access-log.ts';
import type { DecisionStore } from '../ports/decision-store.ts';
import type { DeploymentStore } from '../ports/deployment-store.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { ExceptionStore } from '../ports/exception-store.ts';
import type { FieldSealer } from '../ports/field-sealer.ts';
import type { LedgerExportService } from '../ports/ledger-export-service.ts';
import type { LedgerReader } from '../ports/ledger-reader.ts';
import type { ModelCatalog } from '../ports/model-catalog.ts';
import type { ReportService } from '../ports/report-service.ts';
import type { Authenticator } from './auth/authentication.ts';
import {
  API_ROUTE_TABLE,
  type DeclaredRoute,
  LOCAL_ROUTE_TABLE,
  type LocalRouteId,
  type RouteId,
} from './route-table.ts';

export type { LocalRouteId } from './route-table.ts';

/** What the routes read and write; AWS adapters in Lambda, local ones in `verdict serve`. */
export interface ApiDependencies {
  decisions: DecisionStore;
  exceptions: ExceptionStore;
  models: ModelCatalog;
  accessLog: AccessLog;
  authenticate: Authenticator;
  /** Absent until the ledger is wired: the ledger routes answer 503, decisions carry no proof. */
  ledger?: LedgerReader;
  /** Absent until reports are wired: the report routes answer 503. */
  reports?: ReportService;
  /** Exports of the ledger as one file, built by the report worker; absent: the export routes answer 503. */
  ledgerExports?: LedgerExportService;
  /**
   * What granting an exception through the API needs: the sealer of personal data and the checks of a
   * grant or a revocation. Absent where the API cannot write the ledger (AWS: read only): `POST /exceptions`
   * and `POST /exceptions/{id}/revocation` answer 503, naming the CLI command that does it.
   */
  grants?: { sealer: FieldSealer; admission(): Promise<ExceptionAdmission> };
  /**
   * Seals who asked for a deployment before the request leaves the API, and opens it for readers; absent: a
   * requester who may be a person is not recorded (never in clear).
   */
  personal?: FieldSealer;
  /** The deployment orchestration's records; absent: the deployment routes answer 503. */
  deployments?: DeploymentStore;
  /**
   * Verdict's bus, where deployment requests and rollbacks go to the orchestrator; absent: requesting and
   * rolling back answer 503.
   */
  events?: EventPublisher;
  now: () => Date;
}

export interface RouteRequest<Query, Params, Body, Headers = undefined> {
  query: Query;
  params: Params;
  body: Body;
  /** The headers the route declares, parsed (names in lower case). */
  headers: Headers;
  /** Undefined only on public routes. */
  principal: Principal | undefined;
  requestId: string;
}

export interface RouteResult {
  status: number;
  /** Answered as JSON, unless `file` is given. */
  body: unknown;
  headers?: Record<string, string>;
  /** A file to download instead of a JSON body (held in memory: local report downloads). */
  file?: { bytes: Uint8Array; contentType: string; fileName: string };
}

export interface ResponseSpec {
  description: string;
  schema: z.ZodType;
  /** The body's media types; default `application/json` (a file download lists what it may be). */
  mediaTypes?: readonly string[];
  /** Response headers, one string field each. */
  headers?: z.ZodObject;
  /** OpenAPI links: how a value in this response feeds another route (`$response.body#/...`). */
  links?: Record<string, { operationId: RouteId; parameters: Record<string, string>; description: string }>;
}

export interface ApiRoute extends Omit<DeclaredRoute, 'id'> {
  id: RouteId | LocalRouteId;
  tag: string;
  summary: string;
  description?: string;
  query?: z.ZodObject;
  params?: z.ZodObject;
  body?: z.ZodType;
  /** Request headers the route reads, by lower-case name; others are ignored. */
  headers?: z.ZodObject;
  /** Success responses by status. */
  responses: Partial<Record<200 | 201 | 202, ResponseSpec>>;
  /** Problem statuses the route itself may answer (the router adds 401, 403 and 503 where they apply). */
  problems: readonly number[];
  handle(
    request: RouteRequest<unknown, unknown, unknown, unknown>,
    deps: ApiDependencies,
  ): Promise<RouteResult>;
}

type Output<T> = T extends z.ZodType ? z.output<T> : undefined;

/**
 * Types a route's handler from its schemas; the table holds routes with the types erased. Method, path and
 * whether the route is public come from the declared route table (route-table.ts).
 */
export function defineRoute<
  Q extends z.ZodObject | undefined = undefined,
  P extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  H extends z.ZodObject | undefined = undefined,
>(
  route: Omit<ApiRoute, 'handle' | 'query' | 'params' | 'body' | 'headers' | keyof DeclaredRoute> & {
    query?: Q;
    params?: P;
    body?: B;
    headers?: H;
    handle(
      request: RouteRequest<Output<Q>, Output<P>, Output<B>, Output<H>>,
      deps: ApiDependencies,
    ): Promise<RouteResult>;
  },
): ApiRoute {
  const declared = { ...API_ROUTE_TABLE, ...LOCAL_ROUTE_TABLE }[route.id];
  return { ...declared, ...route } as unknown as ApiRoute;
}
