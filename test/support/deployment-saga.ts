/**
 * The deployment saga wired for tests: the real local ledger (in memory, signed), the ledger-backed decision
 * store with a model-registry allow for the credit scorer, the compiled deployment policy, an in-memory
 * deployment store, a fake target and timer, crash points on the store and the ledger, and a clock to move.
 * The embedded model registry holds credit-scorer versions 1 to 3 (ARN is version 3), for revocations.
 */
import { MemoryLedgerStore } from '../../functions/adapters/local/ledger/memory-store.ts';
import { MemoryDeploymentStore } from '../../functions/adapters/local/memory-deployment-store.ts';
import { openDatabase } from '../../functions/adapters/local/sqlite-database.ts';
import { SqliteDecisionStore } from '../../functions/adapters/local/sqlite-decision-store.ts';
import { EmbeddedModelRegistry } from '../../functions/adapters/local/sqlite-model-registry.ts';
import type { DeploymentRequestInput } from '../../functions/contracts/deployment-request.ts';
import type { DeploymentSagaDeps } from '../../functions/deployments/saga-deps.ts';
import { cachedPolicyEngine, policyBundlePath } from '../../functions/gates/policy/engine-cache.ts';
import { Ledger } from '../../functions/ledger/ledger.ts';
import { LedgerDecisionStore } from '../../functions/ledger/ledger-decision-store.ts';
import type { ActionLog, RecordedActions } from '../../functions/ports/action-log.ts';
import type { DeploymentFactsSource } from '../../functions/ports/deployment-facts.ts';
import type { DeploymentStore } from '../../functions/ports/deployment-store.ts';
import { CrashPoints, crashingActions, crashingStore } from './deployment-faults.ts';
import { oversightEvidence, registryDecision, sagemakerRequest } from './deployment-requests.ts';
import { FakeDeploymentTarget } from './fake-deployment-target.ts';
import { logSigner } from './ledger-fixture.ts';

export const DIGEST = `sha256:${'ab'.repeat(32)}`;
export const LEASE_MS = 60_000;

const capture = {
  enabled: true,
  captureRequest: true,
  captureResponse: true,
  samplingPercent: 100,
  destination: 's3://verdict-capture/credit-scorer/',
  retentionDays: 184,
};

/** A request the policy allows: high risk, canary with an alarm, full capture, network isolation. */
export const allowedRequest: DeploymentRequestInput = { ...sagemakerRequest, dataCapture: capture };

export class TestClock {
  #ms = Date.parse('2026-11-28T10:00:00.000Z');
  now = (): Date => new Date(this.#ms);
  advance(ms: number): void {
    this.#ms += ms;
  }
}

export interface SagaFixture {
  deps: DeploymentSagaDeps & { actions: ActionLog & RecordedActions; registry: EmbeddedModelRegistry };
  ledger: Ledger;
  registry: EmbeddedModelRegistry;
  store: MemoryDeploymentStore;
  target: FakeDeploymentTarget;
  clock: TestClock;
  crashes: CrashPoints;
  scheduled: { deploymentId: string; at: string }[];
  facts: DeploymentFactsSource & { revoked?: string };
  /** Ids of the ledger's action entries about this deployment, in log order. */
  entries(deploymentId: string): Promise<string[]>;
}

export async function sagaFixture(
  options: { store?: (memory: MemoryDeploymentStore) => DeploymentStore } = {},
): Promise<SagaFixture> {
  const clock = new TestClock();
  const ledger = await Ledger.open({ store: new MemoryLedgerStore(), signer: logSigner(), now: clock.now });
  const decisions = new LedgerDecisionStore(ledger, new SqliteDecisionStore(openDatabase(':memory:')));
  await decisions.record(registryDecision());
  const registry = new EmbeddedModelRegistry(openDatabase(':memory:'), {
    now: clock.now,
    region: 'eu-west-1',
    account: '111122223333',
  });
  await registry.createModelPackageGroup('credit-scorer');
  for (let version = 1; version <= 3; version++) {
    await registry.createModelPackage({ groupName: 'credit-scorer', approvalStatus: 'Approved' });
  }
  const store = new MemoryDeploymentStore();
  const target = new FakeDeploymentTarget('sagemaker', clock.now);
  const crashes = new CrashPoints();
  const scheduled: SagaFixture['scheduled'] = [];
  const facts: SagaFixture['facts'] = {
    artifactDigest: async () => DIGEST,
    approvedDigest: async () => DIGEST,
    revokedAt: async () => facts.revoked,
    profile: async () => ({ name: 'Credit scorer', personalData: { legalBasis: 'contract', masking: true } }),
    exceptions: async () => [],
    evidence: oversightEvidence,
  };
  const engine = cachedPolicyEngine(policyBundlePath());
  const deps: SagaFixture['deps'] = {
    store: crashingStore(options.store ? options.store(store) : store, crashes),
    actions: crashingActions(ledger, crashes),
    decisions,
    facts,
    targets: [target],
    bakeTimer: {
      async scheduleBakeEnd(deploymentId, at) {
        scheduled.push({ deploymentId, at });
      },
    },
    policyEngine: engine,
    now: clock.now,
    claimLeaseMs: LEASE_MS,
    registry,
  };
  return {
    deps,
    ledger,
    registry,
    store,
    target,
    clock,
    crashes,
    scheduled,
    facts,
    async entries(deploymentId) {
      const ids: string[] = [];
      const size = await ledger.size();
      for (let i = 0; i < size; i++) {
        const record = await ledger.get(i);
        if (record?.id.startsWith(`action/deployment/${deploymentId}/`)) ids.push(record.id);
      }
      return ids;
    },
  };
}
