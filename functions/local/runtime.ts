/**
 * The local backbone: the same handlers as in Lambda, wired to the embedded adapters (SQLite, filesystem,
 * in-process bus) and driven by the same route table.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { EmbeddedModelRegistry } from '../adapters/local/embedded-model-registry.ts';
import { FilesystemObjectStore } from '../adapters/local/filesystem-object-store.ts';
import { InProcessEventBus } from '../adapters/local/in-process-event-bus.ts';
import { SqliteAccessLog } from '../adapters/local/sqlite-access-log.ts';
import { openDatabase, type SqliteDatabase } from '../adapters/local/sqlite-database.ts';
import { SqliteDecisionStore } from '../adapters/local/sqlite-decision-store.ts';
import { SqliteExceptionStore } from '../adapters/local/sqlite-exception-store.ts';
import { SqliteIdempotencyPersistence } from '../adapters/local/sqlite-idempotency-persistence.ts';
import { createModelRegistryGateHandler } from '../gates/model-registry/create-handler.ts';
import { cachedPolicyEngine, policyBundlePath } from '../gates/policy/engine-cache.ts';
import type { LedgerReader } from '../ports/ledger-reader.ts';
import type { ReportService } from '../ports/report-service.ts';
import { type FunctionName, functions, routes } from '../routes.ts';
import { localLambdaContext } from './lambda-context.ts';

export interface LocalRuntimeOptions {
  /** SQLite database file, or `:memory:`. */
  database: string;
  /** Root of the filesystem object store: `s3://bucket/key` is `<objectsDir>/bucket/key`. */
  objectsDir: string;
  environment?: string;
  policyBundle?: string;
  now?: () => Date;
  /** The data directory the stores live in (where `verdict serve` keeps its token signing key). */
  dataDir?: string;
}

export interface LocalRuntime {
  registry: EmbeddedModelRegistry;
  decisions: SqliteDecisionStore;
  exceptions: SqliteExceptionStore;
  objects: FilesystemObjectStore;
  bus: InProcessEventBus;
  /** Calls to the auditor API (`verdict serve`). */
  accessLog: SqliteAccessLog;
  /** Read side of the audit ledger, once wired; the API's ledger routes answer 503 without it. */
  ledger?: LedgerReader;
  /** Report exports, once wired; the API's report routes answer 503 without it. */
  reports?: ReportService;
  dataDir?: string;
  invoke(name: FunctionName, event: unknown): Promise<unknown>;
  close(): void;
}

export function openLocalRuntime(options: LocalRuntimeOptions): LocalRuntime {
  const db: SqliteDatabase = openDatabase(options.database);
  const now = options.now ?? (() => new Date());
  const registry = new EmbeddedModelRegistry(db, { now });
  const decisions = new SqliteDecisionStore(db);
  const exceptions = new SqliteExceptionStore(db);
  const objects = new FilesystemObjectStore(options.objectsDir);
  const policyEngine = cachedPolicyEngine(options.policyBundle ?? policyBundlePath());

  const modelRegistryGate = createModelRegistryGateHandler({
    registry,
    objects,
    decisions,
    exceptions,
    events: { publish: (event) => bus.publish(event) },
    policyEngine,
    environment: options.environment ?? 'local',
    now,
    deadlineMs: functions['model-registry-gate'].timeoutSeconds * 1000,
    idempotencyStore: new SqliteIdempotencyPersistence(db),
  });
  const handlers: Record<FunctionName, (event: unknown, context: Context) => Promise<unknown>> = {
    'model-registry-gate': (event, context) => modelRegistryGate(event, context),
  };
  const invoke = (name: FunctionName, event: unknown) =>
    handlers[name](event, localLambdaContext(name, functions[name].timeoutSeconds));
  const bus = new InProcessEventBus(routes, {
    'model-registry-gate': (event: unknown) => invoke('model-registry-gate', event),
  });

  const accessLog = new SqliteAccessLog(db);

  return {
    registry,
    decisions,
    exceptions,
    objects,
    bus,
    accessLog,
    ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
    invoke,
    close: () => db.close(),
  };
}

/** The embedded defaults: everything under one data directory. */
export function openLocalRuntimeAt(
  dataDir: string,
  options: Partial<LocalRuntimeOptions> = {},
): LocalRuntime {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return openLocalRuntime({
    database: join(dataDir, 'verdict.db'),
    objectsDir: join(dataDir, 'objects'),
    dataDir,
    ...options,
  });
}
