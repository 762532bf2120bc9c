/**
 * The auditor API over in-memory SQLite stores, bearer tokens from a throwaway key, and in-memory ledger
 * and report service fakes; `call` builds the API Gateway v2 event the Lambda or the local server would get.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { openLocalPersonalData } from '../../functions/adapters/local/ledger/personal-data.ts';
import { SqliteAccessLog } from '../../functions/adapters/local/sqlite-access-log.ts';
import { openDatabase, type SqliteDatabase } from '../../functions/adapters/local/sqlite-database.ts';
import { SqliteDecisionStore } from '../../functions/adapters/local/sqlite-decision-store.ts';
import { SqliteDeploymentStore } from '../../functions/adapters/local/sqlite-deployment-store.ts';
import { SqliteExceptionStore } from '../../functions/adapters/local/sqlite-exception-store.ts';
import { EmbeddedModelRegistry } from '../../functions/adapters/local/sqlite-model-registry.ts';
import { SqliteReportJobStore } from '../../functions/adapters/local/sqlite-report-job-store.ts';
import { bearerTokenAuthenticator, issueToken } from '../../functions/api/auth/bearer-tokens.ts';
import type { ApiDependencies } from '../../functions/api/route.ts';
import { type ApiRouter, createApiRouter } from '../../functions/api/router.ts';
import type { Decision } from '../../functions/contracts/decision.ts';
import type { Principal, Role } from '../../functions/contracts/principal.ts';
import { modelChecks } from '../../functions/gates/exceptions/known-models.ts';
import type { PublishedEvent } from '../../functions/ports/event-publisher.ts';
import {
  type ConsistencyProof,
  type InclusionProof,
  type LedgerCheckpoint,
  type LedgerPosition,
  type LedgerReader,
  ReadModelDivergenceError,
} from '../../functions/ports/ledger-reader.ts';
import type { ReportPart } from '../../functions/ports/report-archive.ts';
import {
  InvalidReportRequestError,
  type ReportJob,
  type ReportRequest,
  type ReportService,
} from '../../functions/ports/report-service.ts';
import { QueuedLedgerExportService } from '../../functions/reports/ledger-export-service.ts';
import { modelPackage, decision as storeDecision } from './decisions.ts';
import { bundleRules } from './exception-admission.ts';

export const NOW = new Date('2026-06-01T12:00:00.000Z');

export const subject = modelPackage;

/** A deny of `credit-scorer` v1, a model the API tests register. */
export function decision(id: string, evaluatedAt: string, overrides: Partial<Decision> = {}): Decision {
  return storeDecision(id, evaluatedAt, { subject: subject('credit-scorer', 1), ...overrides });
}

/** Minute `m` after 2026-05-01T00:00Z. */
export const at = (m: number) => new Date(Date.UTC(2026, 4, 1, 0, m)).toISOString();

/**
 * A ledger holding the ids it is given, in order; proofs carry made-up hashes of the right shape. Every
 * decision the read model serves is taken to be in it (appended when first vouched for), except those in
 * `diverged`, whose entries say something else.
 */
export class FakeLedger implements LedgerReader {
  readonly ids: string[] = [];
  readonly diverged = new Set<string>();
  checkpointSize = 0;

  async vouchForDecision(decision: Decision): Promise<LedgerPosition> {
    const id = `decision/${decision.id}`;
    if (this.diverged.has(decision.id))
      throw new ReadModelDivergenceError(
        decision.id,
        `decision ${decision.id} differs from its ledger entry`,
      );
    if (!this.ids.includes(id)) this.ids.push(id);
    const index = this.ids.indexOf(id);
    return { index, leafHash: `leaf${index}=` };
  }

  async latestCheckpoint(): Promise<LedgerCheckpoint | undefined> {
    if (this.checkpointSize === 0) return undefined;
    return {
      text: `verdict.local/ledger\n${this.checkpointSize}\nroot${this.checkpointSize}=\n\n— verdict.local/ledger sig\n`,
      size: this.checkpointSize,
      rootHash: `root${this.checkpointSize}=`,
    };
  }

  async proveInclusion(index: number, size?: number): Promise<InclusionProof> {
    const treeSize = size ?? this.checkpointSize;
    if (index >= treeSize || treeSize > this.ids.length) {
      throw new RangeError(`entry index ${index} is not below tree size ${treeSize}`);
    }
    return {
      format: 'rfc9162-inclusion-proof',
      origin: 'verdict.local/ledger',
      leafIndex: index,
      treeSize,
      entry: JSON.stringify({ id: this.ids[index] }),
      leafHash: `leaf${index}=`,
      inclusionPath: ['h1=', 'h2='],
      rootHash: `root${treeSize}=`,
    };
  }

  async proveConsistency(from: number, to: number): Promise<ConsistencyProof> {
    if (to > this.ids.length) throw new RangeError(`tree size ${to} is not between 0 and the log's size`);
    return {
      format: 'rfc9162-consistency-proof',
      origin: 'verdict.local/ledger',
      size1: from,
      size2: to,
      rootHash1: `root${from}=`,
      rootHash2: `root${to}=`,
      consistencyPath: ['c1='],
    };
  }

  async indexOfEntry(id: string): Promise<number | undefined> {
    const index = this.ids.indexOf(id);
    return index === -1 ? undefined : index;
  }
}

/** Jobs in a Map; `finish` marks one done. A model named `unknown-model` is refused. */
export class FakeReports implements ReportService {
  readonly jobs = new Map<string, ReportJob & { request: ReportRequest; requestedBy: Principal }>();
  #next = 0;

  async start(request: ReportRequest, requestedBy: Principal): Promise<ReportJob> {
    if (request.model === 'unknown-model') throw new InvalidReportRequestError('no model unknown-model');
    const id = `report-${++this.#next}`;
    const job = {
      id,
      type: request.type,
      format: request.format,
      status: 'queued' as const,
      progress: 0,
      createdAt: NOW.toISOString(),
    };
    this.jobs.set(id, { ...job, request, requestedBy });
    return job;
  }

  async get(id: string): Promise<ReportJob | undefined> {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    const { request: _r, requestedBy: _p, ...rest } = job;
    return rest;
  }

  /** Links to report and manifest; to citations only for jobs in `withCitations`. */
  readonly withCitations = new Set<string>();

  async downloadUrl(
    id: string,
    ttlSeconds: number,
    part: ReportPart = 'report',
  ): Promise<string | undefined> {
    if (this.jobs.get(id)?.status !== 'done') return undefined;
    if (part === 'citations' && !this.withCitations.has(id)) return undefined;
    const suffix = part === 'report' ? '' : `.${part}`;
    return `https://reports.example/${id}${suffix}?ttl=${ttlSeconds}`;
  }

  finish(id: string): void {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`no job ${id}`);
    Object.assign(job, {
      status: 'done',
      progress: 1,
      finishedAt: NOW.toISOString(),
      sha256: 'f'.repeat(64),
      sizeBytes: 1234,
    });
  }
}

export interface CallOptions {
  query?: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
  token?: string;
}

export interface CallResult {
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the route returned
  body: any;
  text: string;
}

export function apiEvent(method: string, path: string, options: CallOptions = {}): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined && !('content-type' in headers))
    headers['content-type'] = 'application/json';
  const query = options.query ?? {};
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers,
    ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.10', userAgent: 'vitest' },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: '$default',
      stage: '$default',
      time: NOW.toISOString(),
      timeEpoch: NOW.getTime(),
    },
    ...(options.body !== undefined && { body: options.body }),
    isBase64Encoded: false,
  };
}

/** `apiEvent` as API Gateway passes on a SigV4-signed call (IAM authorization) by `userArn`. */
export function iamEvent(
  method: string,
  path: string,
  userArn: string,
  query?: Record<string, string>,
): APIGatewayProxyEventV2 {
  const event = apiEvent(method, path, query ? { query } : {});
  return {
    ...event,
    requestContext: {
      ...event.requestContext,
      authorizer: {
        iam: {
          accessKey: 'ASIAEXAMPLE',
          accountId: '123456789012',
          callerId: 'AROAEXAMPLE:alice',
          cognitoIdentity: null,
          principalOrgId: 'o-example',
          userArn,
          userId: 'AROAEXAMPLE:alice',
        },
      },
    } as APIGatewayProxyEventV2['requestContext'],
  };
}

export interface ApiFixture {
  db: SqliteDatabase;
  decisions: SqliteDecisionStore;
  exceptions: SqliteExceptionStore;
  accessLog: SqliteAccessLog;
  registry: EmbeddedModelRegistry;
  ledger: FakeLedger;
  reports: FakeReports;
  /** The real export service over the fixture's database; its archive links are made up. */
  ledgerExports: QueuedLedgerExportService;
  jobs: SqliteReportJobStore;
  /** What the export service published (the worker's requests). */
  published: PublishedEvent[];
  deployments: SqliteDeploymentStore;
  /**
   * Verdict's bus as the deployment routes see it: what they published, and `deliver`, run on each event
   * before publish returns (as the local bus runs the orchestration); by default nothing runs (as in AWS).
   */
  bus: { published: PublishedEvent[]; deliver?: (event: PublishedEvent) => Promise<void> };
  deps: ApiDependencies;
  router: ApiRouter;
  keys: { privateKey: KeyObject; publicKey: KeyObject };
  token(role: Role, options?: { subject?: string; ttlSeconds?: number; now?: Date }): Promise<string>;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  /** `call` with a fresh token of this role. */
  as(role: Role, method: string, path: string, options?: CallOptions): Promise<CallResult>;
  close(): void;
}

export function apiFixture(
  options: {
    ledger?: boolean;
    reports?: boolean;
    grants?: boolean;
    ledgerExports?: boolean;
    deployments?: boolean;
  } = {},
): ApiFixture {
  const db = openDatabase(':memory:');
  const decisions = new SqliteDecisionStore(db);
  const exceptions = new SqliteExceptionStore(db);
  const accessLog = new SqliteAccessLog(db);
  const registry = new EmbeddedModelRegistry(db, { now: () => NOW });
  const ledger = new FakeLedger();
  const reports = new FakeReports();
  const jobs = new SqliteReportJobStore(db);
  const published: PublishedEvent[] = [];
  const deployments = new SqliteDeploymentStore(db);
  const bus: ApiFixture['bus'] = { published: [] };
  const ledgerExports = new QueuedLedgerExportService({
    jobs,
    archive: {
      put: async () => {},
      downloadUrl: async (key, ttl, fileName) => `https://reports.example/${key}?ttl=${ttl}&name=${fileName}`,
    },
    events: { publish: async (event) => void published.push(event) },
    now: () => NOW,
  });
  const keys = generateKeyPairSync('ed25519');
  const deps: ApiDependencies = {
    decisions,
    exceptions,
    models: registry,
    accessLog,
    authenticate: bearerTokenAuthenticator(keys.publicKey),
    ...(options.ledger !== false && { ledger }),
    ...(options.reports !== false && { reports }),
    ...(options.ledgerExports !== false && { ledgerExports }),
    ...(options.grants !== false && {
      grants: {
        sealer: openLocalPersonalData().personal,
        admission: async () => ({
          rules: bundleRules(),
          ...modelChecks({ catalog: registry, decisions }),
        }),
      },
    }),
    ...(options.deployments !== false && {
      deployments,
      events: {
        publish: async (event: PublishedEvent) => {
          bus.published.push(event);
          await bus.deliver?.(event);
        },
      },
    }),
    now: () => NOW,
  };
  const router = createApiRouter(deps);
  const token = async (role: Role, o: { subject?: string; ttlSeconds?: number; now?: Date } = {}) =>
    (
      await issueToken(keys.privateKey, {
        role,
        subject: o.subject ?? `${role}-user`,
        ttlSeconds: o.ttlSeconds ?? 3600,
        ...(o.now && { now: o.now }),
      })
    ).token;
  const call = async (method: string, path: string, o: CallOptions = {}): Promise<CallResult> => {
    const response = await router(apiEvent(method, path, o));
    const text = response.body ?? '';
    const headers = Object.fromEntries(
      Object.entries(response.headers ?? {}).map(([k, v]) => [k, String(v)]),
    );
    return { status: response.statusCode ?? 200, headers, body: text ? JSON.parse(text) : undefined, text };
  };
  return {
    db,
    decisions,
    exceptions,
    accessLog,
    registry,
    ledger,
    reports,
    ledgerExports,
    jobs,
    published,
    deployments,
    bus,
    deps,
    router,
    keys,
    token,
    call,
    as: async (role, method, path, o = {}) => call(method, path, { ...o, token: await token(role) }),
    close: () => db.close(),
  };
}
