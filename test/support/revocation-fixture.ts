/**
 * The stores a revocation runs over, all real and in memory: the embedded model registry, the signed ledger
 * with the ledger-backed decision store, a memory object store, a clock to move and a recorder of the events
 * published. One registered credit-scorer version and the model-registry allow for it are recorded.
 */
import { MemoryLedgerStore } from '../../functions/adapters/local/ledger/memory-store.ts';
import { MemoryObjectStore } from '../../functions/adapters/local/memory-object-store.ts';
import { openDatabase } from '../../functions/adapters/local/sqlite-database.ts';
import { SqliteDecisionStore } from '../../functions/adapters/local/sqlite-decision-store.ts';
import {
  EmbeddedModelRegistry,
  type NewModelPackage,
} from '../../functions/adapters/local/sqlite-model-registry.ts';
import type { Decision } from '../../functions/contracts/decision.ts';
import { Ledger } from '../../functions/ledger/ledger.ts';
import { LedgerDecisionStore } from '../../functions/ledger/ledger-decision-store.ts';
import type { EventPublisher, PublishedEvent } from '../../functions/ports/event-publisher.ts';
import { registryDecision } from './deployment-requests.ts';
import { TestClock } from './deployment-saga.ts';
import { logSigner } from './ledger-fixture.ts';

export const GROUP = 'credit-scorer';

export class RecordingPublisher implements EventPublisher {
  readonly events: PublishedEvent[] = [];
  async publish(event: PublishedEvent): Promise<void> {
    this.events.push(event);
  }
}

export interface RevocationFixture {
  clock: TestClock;
  ledger: Ledger;
  decisions: LedgerDecisionStore;
  registry: EmbeddedModelRegistry;
  objects: MemoryObjectStore;
  events: RecordingPublisher;
  /** The registered version's ARN, the subject of `decision`. */
  arn: string;
  decision: Decision;
}

export async function revocationFixture(
  options: { package?: Partial<NewModelPackage>; decision?: Partial<Decision> } = {},
): Promise<RevocationFixture> {
  const clock = new TestClock();
  const ledger = await Ledger.open({ store: new MemoryLedgerStore(), signer: logSigner(), now: clock.now });
  const decisions = new LedgerDecisionStore(ledger, new SqliteDecisionStore(openDatabase(':memory:')));
  const registry = new EmbeddedModelRegistry(openDatabase(':memory:'), { now: clock.now });
  await registry.createModelPackageGroup(GROUP);
  const pkg = await registry.createModelPackage({ groupName: GROUP, ...options.package });
  const base = registryDecision();
  const decision = registryDecision({
    subject: { ...base.subject, id: pkg.arn, version: pkg.version },
    ...options.decision,
  });
  await decisions.record(decision);
  return {
    clock,
    ledger,
    decisions,
    registry,
    objects: new MemoryObjectStore(),
    events: new RecordingPublisher(),
    arn: pkg.arn,
    decision,
  };
}
