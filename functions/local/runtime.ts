/**
 * The local backbone: the same handlers as in Lambda, wired to the embedded adapters (SQLite, filesystem,
 * in-process bus) and driven by the same route table.
 */
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { sageMakerEndpointEvents } from '../adapters/aws/sagemaker-endpoint-events.ts';
import { EmbeddedSageMakerEndpoints } from '../adapters/local/embedded-sagemaker-endpoints.ts';
import { FilesystemObjectStore } from '../adapters/local/filesystem-object-store.ts';
import { InProcessEventBus } from '../adapters/local/in-process-event-bus.ts';
import { openMemoryLedger } from '../adapters/local/ledger/memory-ledger.ts';
import { openLocalPersonalData } from '../adapters/local/ledger/personal-data.ts';
import { openLocalLedger } from '../adapters/local/ledger/sqlite-ledger.ts';
import { SqliteAccessLog } from '../adapters/local/sqlite-access-log.ts';
import { SqliteBakeTimer } from '../adapters/local/sqlite-bake-timer.ts';
import { openDatabase, type SqliteDatabase } from '../adapters/local/sqlite-database.ts';
import { SqliteDeadLetterStore } from '../adapters/local/sqlite-dead-letter-store.ts';
import { SqliteDecisionStore } from '../adapters/local/sqlite-decision-store.ts';
import { SqliteDeploymentStore } from '../adapters/local/sqlite-deployment-store.ts';
import { SqliteExceptionStore } from '../adapters/local/sqlite-exception-store.ts';
import { SqliteIdempotencyPersistence } from '../adapters/local/sqlite-idempotency-persistence.ts';
import { EmbeddedModelRegistry } from '../adapters/local/sqlite-model-registry.ts';
import { SqliteTokenRevocations } from '../adapters/local/sqlite-token-revocations.ts';
import { sealedAccessLog } from '../api/sealed-personal-data.ts';
import { DEPLOYMENT_BAKE_ENDED, type OutOfBandMode, VERDICT_SOURCE } from '../contracts/deployment-events.ts';
import type { PromotionRule } from '../contracts/promotion-rule.ts';
import { createDeploymentOrchestratorHandler } from '../deployments/create-handler.ts';
import type { DeploymentOrchestratorDeps } from '../deployments/orchestrate.ts';
import { RegistryDeploymentFacts } from '../deployments/registry-facts.ts';
import { createModelRegistryGateHandler } from '../gates/model-registry/create-handler.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { LedgerDecisionStore } from '../ledger/ledger-decision-store.ts';
import { LedgerExceptionStore } from '../ledger/ledger-exception-store.ts';
import type { LedgerAudit } from '../ledger/ledger-handle.ts';
import type { AccessLog } from '../ports/access-log.ts';
import type { DecisionStore } from '../ports/decision-store.ts';
import type { DeploymentStore } from '../ports/deployment-store.ts';
import type { DeploymentTarget } from '../ports/deployment-target.ts';
import type { ExceptionStore } from '../ports/exception-store.ts';
import type { FieldSealer } from '../ports/field-sealer.ts';
import type { LedgerExportService } from '../ports/ledger-export-service.ts';
import type { LedgerReader } from '../ports/ledger-reader.ts';
import type { ReportService } from '../ports/report-service.ts';
import { type FunctionName, functions, routes } from '../routes.ts';
import { InvalidInputError } from '../shared/validation.ts';
import { ensureDataDirectory } from './data-directory.ts';
import { localLambdaContext } from './lambda-context.ts';
import { type LocalDatasets, localDatasets } from './local-datasets.ts';
import { localEksTargets } from './local-eks-targets.ts';
import { localPolicyEngine } from './local-policy-engine.ts';
import { readLocalPromotions } from './local-promotions.ts';
import { type LocalReportContext, localReports } from './local-reports.ts';

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
  /** Where the local server listens (report download links start with it); default http://127.0.0.1:8787. */
  publicUrl?: () => string;
  /** What an endpoint changed behind the orchestration's back gets: `alert` (default), `restore` or `delete`. */
  outOfBandMode?: OutOfBandMode;
  /** Kubernetes clusters deployments may target; default: those of `VERDICT_EKS_CLUSTERS` (local-eks-targets.ts). */
  clusterTargets?: readonly DeploymentTarget[];
  /** Which allowed versions are asked to be deployed (default: `<dataDir>/promotions.json`, or none). */
  promotions?: readonly PromotionRule[];
}

export interface LocalRuntime {
  registry: EmbeddedModelRegistry;
  /** Decisions are appended to the audit ledger, then to the queryable store that serves reads. */
  decisions: DecisionStore;
  /** Waivers: granted and found lapsed in the ledger first, then in the read model. */
  exceptions: ExceptionStore;
  objects: FilesystemObjectStore;
  bus: InProcessEventBus;
  /** Calls to the auditor API (`verdict serve`), callers sealed under their own keys. */
  accessLog: AccessLog;
  /** Seals personal data under the subject's key before it is stored (`verdict forget` destroys it). */
  personal: FieldSealer;
  /** What gates write to the audit ledger (and read back: decisions, actions). */
  audit: LedgerAudit;
  /** Deployments: the saga's records (the ledger holds one action per step). */
  deployments: DeploymentStore;
  /** The embedded SageMaker endpoints deployments run on locally. */
  endpoints: EmbeddedSageMakerEndpoints;
  /** What the orchestration runs over (the deployment commands call its steps through the bus). */
  deploymentSaga: DeploymentOrchestratorDeps;
  /** Fires the bakes whose end has come (EventBridge Scheduler's job in AWS); returns how many fired. */
  fireDueBakes(): Promise<number>;
  /** When the next bake ends, if one is running. */
  nextBakeEnd(): Date | undefined;
  /** Bearer tokens revoked with `verdict token revoke`. */
  tokenRevocations: SqliteTokenRevocations;
  /** Registered dataset versions and the subject index (`verdict dataset`, `verdict erasure locate`). */
  datasets: LocalDatasets;
  /** Read side of the audit ledger, once wired; the API's ledger routes answer 503 without it. */
  ledger?: LedgerReader;
  /**
   * Report exports, with a data directory: jobs go to the report worker through the bus, as in AWS. The
   * API's report routes answer 503 without it.
   */
  reports?: ReportService;
  /** Ledger exports as one file, built by the same worker into the same archive (with a data directory). */
  ledgerExports?: LedgerExportService;
  /** What `verdict report` builds from: the runtime's stores, its ledger and the manifest signer. */
  reportContext?: LocalReportContext;
  dataDir?: string;
  invoke(name: FunctionName, event: unknown): Promise<unknown>;
  /** The audit ledger, opened on first use (`<dataDir>/ledger`, or in memory without a data dir). */
  openLedger(): Promise<Ledger>;
  close(): Promise<void>;
}

export function openLocalRuntime(options: LocalRuntimeOptions): LocalRuntime {
  const db: SqliteDatabase = openDatabase(options.database);
  const now = options.now ?? (() => new Date());
  const registry = new EmbeddedModelRegistry(db, { now });
  const ledger = options.dataDir ? openLocalLedger({ dataDir: options.dataDir }) : openMemoryLedger();
  const openLedger = async () => (await ledger.open()).ledger;
  const { audit } = ledger;
  const decisions = new LedgerDecisionStore(audit, new SqliteDecisionStore(db));
  const exceptions = new LedgerExceptionStore(audit, new SqliteExceptionStore(db), now);
  const objects = new FilesystemObjectStore(options.objectsDir);
  const policyEngine = localPolicyEngine(options.policyBundle);

  const modelRegistryGate = createModelRegistryGateHandler({
    registry,
    objects,
    decisions,
    exceptions,
    actions: audit,
    events: { publish: (event) => bus.publish(event) },
    policyEngine,
    environment: options.environment ?? 'local',
    now,
    deadlineMs: functions['model-registry-gate'].timeoutSeconds * 1000,
    idempotencyStore: new SqliteIdempotencyPersistence(db),
  });
  const deployments = new SqliteDeploymentStore(db);
  const endpoints = new EmbeddedSageMakerEndpoints(db, now);
  const bakeTimer = new SqliteBakeTimer(db);
  const deploymentSaga: DeploymentOrchestratorDeps = {
    store: deployments,
    actions: audit,
    decisions,
    facts: new RegistryDeploymentFacts({ registry, objects, decisions, exceptions, actions: audit }),
    targets: [endpoints, ...(options.clusterTargets ?? localEksTargets())],
    bakeTimer,
    policyEngine,
    now,
    targetEvents: [sageMakerEndpointEvents],
    events: { publish: (event) => bus.publish(event) },
    registry,
    outOfBand: { mode: options.outOfBandMode ?? 'alert', remediation: endpoints },
    promotions: options.promotions ?? [],
  };
  const orchestrator = createDeploymentOrchestratorHandler(deploymentSaga);
  // The endpoints' events go on the bus once the step that caused them is recorded, as EventBridge delivers
  // SageMaker's events after the API call returned.
  const deliverEndpointEvents = async () => {
    for (const event of endpoints.takeEvents()) await bus.publish(event);
  };
  const fireDueBakes = async () => {
    const at = now();
    const due = bakeTimer.due(at);
    for (const deploymentId of due) {
      // Removed once put on the bus: a process killed in between fires it again. A bake re-armed by the
      // delivery is later than `at` and stays.
      await bus.publish({
        source: VERDICT_SOURCE,
        detailType: DEPLOYMENT_BAKE_ENDED,
        detail: { deploymentId },
      });
      bakeTimer.fired(deploymentId, at);
    }
    return due.length;
  };
  const reports =
    options.dataDir === undefined
      ? undefined
      : localReports({
          db,
          dataDir: options.dataDir,
          stores: { decisions, exceptions, registry, objects },
          openLedger,
          reader: ledger.reader,
          events: { publish: (event) => bus.publish(event) },
          publicUrl: options.publicUrl ?? (() => 'http://127.0.0.1:8787'),
          now,
        });
  const handlers: Record<FunctionName, (event: unknown, context: Context) => Promise<unknown>> = {
    'model-registry-gate': (event, context) => modelRegistryGate(event, context),
    'report-worker': async (event, context) => {
      if (!reports) throw new Error('reports need a data directory (where they are archived)');
      return reports.worker(event, context);
    },
    'deployment-orchestrator': async (event, context) => {
      try {
        return await orchestrator(event, context);
      } finally {
        await deliverEndpointEvents();
      }
    },
  };
  const invoke = (name: FunctionName, event: unknown) =>
    handlers[name](event, localLambdaContext(name, functions[name].timeoutSeconds));
  const bus = new InProcessEventBus(
    routes,
    {
      'model-registry-gate': (event: unknown) =>
        invoke('model-registry-gate', event).catch(recordedRejection),
      'report-worker': (event: unknown) => invoke('report-worker', event),
      'deployment-orchestrator': (event: unknown) =>
        invoke('deployment-orchestrator', event).catch(recordedRejection),
    },
    // The report worker runs for minutes: EventBridge invokes it asynchronously, and so does the local bus.
    { deadLetters: new SqliteDeadLetterStore(db), background: ['report-worker'] },
  );

  const personal = openLocalPersonalData(options.dataDir);
  const accessLog = sealedAccessLog(new SqliteAccessLog(db), personal.personal);

  return {
    registry,
    decisions,
    exceptions,
    objects,
    bus,
    accessLog,
    audit,
    deployments,
    endpoints,
    deploymentSaga,
    fireDueBakes,
    nextBakeEnd: () => bakeTimer.next(),
    tokenRevocations: new SqliteTokenRevocations(db),
    datasets: localDatasets(db, options.dataDir, openLedger, now),
    personal: personal.personal,
    ledger: ledger.reader,
    ...(reports && {
      reports: reports.service,
      ledgerExports: reports.ledgerExports,
      reportContext: reports.context,
    }),
    openLedger,
    ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
    invoke,
    close: async () => {
      await bus.idle();
      await ledger.close();
      personal.close();
      db.close();
    },
  };
}

/**
 * The gate rethrows bad input once its rejection is recorded (so that in AWS the event reaches the rule's
 * DLQ). Locally the recorded rejection is the outcome: the event is not also a dead letter.
 */
function recordedRejection(error: unknown): { status: 'rejected'; code: string } {
  if (error instanceof InvalidInputError) return { status: 'rejected', code: error.code };
  throw error;
}

/** The embedded defaults: everything under one data directory. */
export function openLocalRuntimeAt(
  dataDir: string,
  options: Partial<LocalRuntimeOptions> = {},
): LocalRuntime {
  ensureDataDirectory(dataDir);
  return openLocalRuntime({
    database: join(dataDir, 'verdict.db'),
    objectsDir: join(dataDir, 'objects'),
    dataDir,
    ...(options.promotions === undefined && { promotions: readLocalPromotions(dataDir) }),
    ...options,
  });
}
