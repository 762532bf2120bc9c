import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../../../../functions/adapters/local/sqlite-database.ts';
import { SqliteIdempotencyPersistence } from '../../../../functions/adapters/local/sqlite-idempotency-persistence.ts';

interface Order {
  orderId: string;
  amount: number;
}

const T0 = new Date('2025-03-01T10:00:00.000Z');
const LAMBDA_TIMEOUT_MS = 5_000;

/** Enough of a Lambda context for Powertools to compute the in-progress expiry. */
const context = { getRemainingTimeInMillis: () => LAMBDA_TIMEOUT_MS } as unknown as Context;

let dir: string;
let db: SqliteDatabase;

beforeEach(() => {
  // Powertools reads Date.now() for expiry; only Date is faked, so promises run as usual.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-idempotency-'));
  db = openDatabase(path.join(dir, 'verdict.db'));
});

afterEach(() => {
  vi.useRealTimers();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A handler that counts its calls, made idempotent over the SQLite layer. */
function idempotentHandler(
  persistenceStore: SqliteIdempotencyPersistence,
  config: ConstructorParameters<typeof IdempotencyConfig>[0] = {},
) {
  const calls: Order[] = [];
  const handler = async (event: Order, _context: Context) => {
    calls.push(event);
    return { charged: event.orderId, amount: event.amount, call: calls.length };
  };
  const idempotent = makeIdempotent(handler, {
    persistenceStore,
    config: new IdempotencyConfig({ expiresAfterSeconds: 60, ...config }),
  });
  return { calls, invoke: (event: Order) => idempotent(event, context) };
}

const advance = (ms: number) => vi.setSystemTime(new Date(Date.now() + ms));

describe('SqliteIdempotencyPersistence through makeIdempotent', () => {
  it('returns the stored result for the same payload without calling the function again', async () => {
    const { calls, invoke } = idempotentHandler(new SqliteIdempotencyPersistence(db));

    const first = await invoke({ orderId: 'o-1', amount: 10 });
    const second = await invoke({ amount: 10, orderId: 'o-1' });

    expect(first).toEqual({ charged: 'o-1', amount: 10, call: 1 });
    expect(second).toEqual(first);
    expect(calls).toHaveLength(1);
  });

  it('stores one COMPLETED record with the result and an expiry in seconds', async () => {
    const { invoke } = idempotentHandler(new SqliteIdempotencyPersistence(db));

    await invoke({ orderId: 'o-1', amount: 10 });

    const rows = db
      .prepare('SELECT status, expiration, in_progress_expiration, data FROM idempotency_records')
      .all();
    expect(rows).toEqual([
      {
        status: 'COMPLETED',
        expiration: T0.getTime() / 1000 + 60,
        in_progress_expiration: T0.getTime() + LAMBDA_TIMEOUT_MS,
        data: JSON.stringify({ charged: 'o-1', amount: 10, call: 1 }),
      },
    ]);
  });

  it('calls the function again for a different payload', async () => {
    const { calls, invoke } = idempotentHandler(new SqliteIdempotencyPersistence(db));

    await invoke({ orderId: 'o-1', amount: 10 });
    const other = await invoke({ orderId: 'o-2', amount: 10 });

    expect(other).toEqual({ charged: 'o-2', amount: 10, call: 2 });
    expect(calls).toHaveLength(2);
  });

  it('honours expiry: the same payload runs again once the record has expired', async () => {
    const { calls, invoke } = idempotentHandler(new SqliteIdempotencyPersistence(db), {
      expiresAfterSeconds: 2,
    });

    await invoke({ orderId: 'o-1', amount: 10 });
    advance(1_000);
    await expect(invoke({ orderId: 'o-1', amount: 10 })).resolves.toMatchObject({ call: 1 });

    advance(2_000);
    await expect(invoke({ orderId: 'o-1', amount: 10 })).resolves.toMatchObject({ call: 2 });
    expect(calls).toHaveLength(2);
    expect(db.prepare('SELECT count(*) FROM idempotency_records').pluck().get()).toBe(1);
  });

  it('runs the function again after it failed: the in-progress record is deleted', async () => {
    const persistence = new SqliteIdempotencyPersistence(db);
    let attempts = 0;
    const flaky = makeIdempotent(
      async (event: Order, _context: Context) => {
        attempts++;
        if (attempts === 1) throw new Error('downstream unavailable');
        return { charged: event.orderId };
      },
      { persistenceStore: persistence, config: new IdempotencyConfig({}) },
    );

    await expect(flaky({ orderId: 'o-1', amount: 10 }, context)).rejects.toThrow('downstream unavailable');
    expect(db.prepare('SELECT count(*) FROM idempotency_records').pluck().get()).toBe(0);
    await expect(flaky({ orderId: 'o-1', amount: 10 }, context)).resolves.toEqual({ charged: 'o-1' });
    expect(attempts).toBe(2);
  });

  it('refuses a concurrent call while one is in progress, and lets a call take over once that one timed out', async () => {
    const persistence = new SqliteIdempotencyPersistence(db);
    let release: (() => void) | undefined;
    let calls = 0;
    const slow = makeIdempotent(
      async (event: Order, _context: Context) => {
        calls++;
        if (calls === 1) await new Promise<void>((resolve) => (release = resolve));
        return { charged: event.orderId, call: calls };
      },
      { persistenceStore: persistence, config: new IdempotencyConfig({}) },
    );

    const first = slow({ orderId: 'o-1', amount: 10 }, context);
    await vi.waitFor(() => expect(release).toBeDefined());

    await expect(slow({ orderId: 'o-1', amount: 10 }, context)).rejects.toBeInstanceOf(
      IdempotencyAlreadyInProgressError,
    );

    // The first invocation's Lambda timeout passes: its in-progress record is orphaned.
    advance(LAMBDA_TIMEOUT_MS + 1);
    await expect(slow({ orderId: 'o-1', amount: 10 }, context)).resolves.toEqual({ charged: 'o-1', call: 2 });

    release?.();
    await first;
  });

  it('keeps records in the database: a second connection sees them', async () => {
    const first = idempotentHandler(new SqliteIdempotencyPersistence(db));
    await first.invoke({ orderId: 'o-1', amount: 10 });

    const other = openDatabase(path.join(dir, 'verdict.db'));
    try {
      const second = idempotentHandler(new SqliteIdempotencyPersistence(other));
      await expect(second.invoke({ orderId: 'o-1', amount: 10 })).resolves.toMatchObject({ call: 1 });
      expect(second.calls).toHaveLength(0);
    } finally {
      other.close();
    }
  });

  it('keys on eventKeyJmesPath and validates the rest of the payload when asked', async () => {
    const { calls, invoke } = idempotentHandler(new SqliteIdempotencyPersistence(db), {
      eventKeyJmesPath: 'orderId',
      payloadValidationJmesPath: 'amount',
    });

    await invoke({ orderId: 'o-1', amount: 10 });

    await expect(invoke({ orderId: 'o-1', amount: 10 })).resolves.toMatchObject({ call: 1 });
    await expect(invoke({ orderId: 'o-1', amount: 99 })).rejects.toBeInstanceOf(IdempotencyValidationError);
    expect(calls).toHaveLength(1);
    expect(db.prepare('SELECT validation FROM idempotency_records').pluck().get()).toEqual(
      expect.any(String),
    );
  });
});

describe('SqliteIdempotencyPersistence record operations', () => {
  function configured(config: ConstructorParameters<typeof IdempotencyConfig>[0] = {}) {
    const persistence = new SqliteIdempotencyPersistence(db);
    persistence.configure({ config: new IdempotencyConfig({ expiresAfterSeconds: 60, ...config }) });
    return persistence;
  }

  it('throws IdempotencyItemNotFoundError for a key it does not hold', async () => {
    await expect(configured().getRecord({ orderId: 'o-1' })).rejects.toBeInstanceOf(
      IdempotencyItemNotFoundError,
    );
  });

  it('refuses to put over a live record, and the error carries the existing record', async () => {
    const persistence = configured();
    await persistence.saveInProgress({ orderId: 'o-1' }, LAMBDA_TIMEOUT_MS);
    await persistence.saveSuccess({ orderId: 'o-1' }, { ok: true });

    const error = await persistence
      .saveInProgress({ orderId: 'o-1' }, LAMBDA_TIMEOUT_MS)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(IdempotencyItemAlreadyExistsError);
    const existing = (error as IdempotencyItemAlreadyExistsError).existingRecord;
    expect(existing?.getStatus()).toBe('COMPLETED');
    expect(existing?.getResponse()).toEqual({ ok: true });
  });

  it('takes over an expired record and clears its previous result', async () => {
    const persistence = configured();
    await persistence.saveInProgress({ orderId: 'o-1' }, LAMBDA_TIMEOUT_MS);
    await persistence.saveSuccess({ orderId: 'o-1' }, { ok: true });
    advance(61_000);

    await persistence.saveInProgress({ orderId: 'o-1' }, LAMBDA_TIMEOUT_MS);

    const record = await persistence.getRecord({ orderId: 'o-1' });
    expect(record.getStatus()).toBe('INPROGRESS');
    expect(record.getResponse()).toBeUndefined();
  });

  it('does not take over an in-progress record without an in-progress expiry before it expires', async () => {
    const persistence = configured();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await persistence.saveInProgress({ orderId: 'o-1' });
    advance(30_000);

    await expect(persistence.saveInProgress({ orderId: 'o-1' })).rejects.toBeInstanceOf(
      IdempotencyItemAlreadyExistsError,
    );
    warn.mockRestore();
  });

  it('purges expired records, as the DynamoDB TTL would', async () => {
    const persistence = configured();
    await persistence.saveInProgress({ orderId: 'old' }, LAMBDA_TIMEOUT_MS);
    advance(30_000);
    await persistence.saveInProgress({ orderId: 'new' }, LAMBDA_TIMEOUT_MS);
    advance(31_000);

    expect(persistence.purgeExpired()).toBe(1);
    await expect(persistence.getRecord({ orderId: 'old' })).rejects.toBeInstanceOf(
      IdempotencyItemNotFoundError,
    );
    await expect(persistence.getRecord({ orderId: 'new' })).resolves.toBeDefined();
  });
});
