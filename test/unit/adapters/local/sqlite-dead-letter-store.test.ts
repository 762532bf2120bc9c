/** The local dead-letter store: durable across reopening, bounded, and failing loudly when SQLite is full. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DeadLetterStoreFullError,
  type NewDeadLetter,
} from '../../../../functions/adapters/local/dead-letters.ts';
import {
  DeadLetterUnavailableError,
  InProcessEventBus,
} from '../../../../functions/adapters/local/in-process-event-bus.ts';
import { openDatabase } from '../../../../functions/adapters/local/sqlite-database.ts';
import { SqliteDeadLetterStore } from '../../../../functions/adapters/local/sqlite-dead-letter-store.ts';
import { routes } from '../../../../functions/routes.ts';

const letter = (n: number): NewDeadLetter => ({
  routeId: 'report-requested',
  target: 'report-worker',
  eventId: `event-${n}`,
  error: 'x'.repeat(2000),
  event: {
    version: '0',
    id: `event-${n}`,
    'detail-type': 'Verdict Report Requested',
    source: 'verdict',
    account: '000000000000',
    time: '2026-12-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {},
  },
});

describe('SqliteDeadLetterStore', () => {
  it('keeps letters across reopening the database, oldest first, with a shortened error', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'verdict-dlq-store-')), 'verdict.db');
    const db = openDatabase(file);
    const store = new SqliteDeadLetterStore(db);
    const first = await store.record(letter(1));
    await store.record(letter(2));
    await store.noteFailure(first, 'still failing');
    db.close();

    const reopened = new SqliteDeadLetterStore(openDatabase(file));
    const letters = await reopened.list();
    expect(letters.map((l) => [l.eventId, l.attempts, l.error.length])).toEqual([
      ['event-1', 2, 13],
      ['event-2', 1, 500],
    ]);
    await reopened.remove(first);
    expect((await reopened.list()).map((l) => l.eventId)).toEqual(['event-2']);
  });

  it('refuses a letter beyond its bound rather than dropping an old one', async () => {
    const store = new SqliteDeadLetterStore(openDatabase(':memory:'), 2);
    await store.record(letter(1));
    await store.record(letter(2));
    await expect(store.record(letter(3))).rejects.toThrow(DeadLetterStoreFullError);
    expect((await store.list()).map((l) => l.eventId)).toEqual(['event-1', 'event-2']);
  });

  it('makes the bus fail the delivery when SQLite is full, instead of acknowledging it', async () => {
    const db = openDatabase(':memory:');
    const store = new SqliteDeadLetterStore(db);
    // No page may be added: the next insert fails with SQLITE_FULL, as on a full disk.
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
    let failure: unknown;
    for (let n = 0; n < 100 && !failure; n++)
      await store.record(letter(n)).catch((error) => (failure = error));
    expect(failure).toMatchObject({ code: 'SQLITE_FULL' });
    const bus = new InProcessEventBus(
      routes,
      {
        'model-registry-gate': async () => 'ok',
        'deployment-orchestrator': async () => 'ok',
        'report-worker': async () => {
          throw new Error('worker down');
        },
      },
      { deadLetters: store },
    );
    const put = bus.putEvents({
      Entries: [{ Source: 'verdict', DetailType: 'Verdict Report Requested', Detail: '{"padding":"z"}' }],
    });
    await expect(put).rejects.toThrow(DeadLetterUnavailableError);
    await expect(put).rejects.toThrow(/delivery to report-worker failed \(worker down\)/);
  });
});
