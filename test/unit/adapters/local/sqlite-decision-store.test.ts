import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../../../../functions/adapters/local/sqlite-database.ts';
import {
  DECISIONS_IMMUTABLE_MESSAGE,
  REJECTIONS_IMMUTABLE_MESSAGE,
  SqliteDecisionStore,
} from '../../../../functions/adapters/local/sqlite-decision-store.ts';
import { InvalidCursorError } from '../../../../functions/ports/decision-store.ts';
import { decision, modelPackage, rejection } from '../../../support/decisions.ts';

let db: SqliteDatabase;
let store: SqliteDecisionStore;

beforeEach(() => {
  db = openDatabase(':memory:');
  store = new SqliteDecisionStore(db);
});

afterEach(() => db.close());

/** `2025-03-01T10:00:00.000Z` plus `minutes`. */
const at = (minutes: number) => new Date(Date.UTC(2025, 2, 1, 10, minutes)).toISOString();

async function readAll(limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ limit, cursor });
    ids.push(...page.decisions.map((d) => d.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

describe('record and get', () => {
  it('stores a decision and reads it back whole', async () => {
    const d = decision('d-1', at(0));

    await expect(store.record(d)).resolves.toEqual({ stored: d, created: true });
    await expect(store.get('d-1')).resolves.toEqual(d);
    await expect(store.get('missing')).resolves.toBeUndefined();
  });

  it('is idempotent by id: a second record with the same id keeps and returns the first', async () => {
    const first = decision('d-1', at(0));
    await store.record(first);

    const second = await store.record(decision('d-1', at(5), { decision: 'allow', violations: [] }));

    expect(second).toEqual({ stored: first, created: false });
    await expect(store.get('d-1')).resolves.toEqual(first);
    expect(db.prepare('SELECT count(*) FROM decisions').pluck().get()).toBe(1);
  });

  it('fills the indexed columns used for filtering', async () => {
    await store.record(decision('d-1', '2025-03-01T11:00:00+01:00', { decision: 'review' }));

    expect(db.prepare('SELECT * FROM decisions').get()).toMatchObject({
      id: 'd-1',
      evaluated_at: '2025-03-01T10:00:00.000Z',
      gate: 'model-approval',
      outcome: 'review',
      subject_id: 'arn:aws:sagemaker:local-1:000000000000:model-package/credit/3',
      subject_group: 'credit',
      subject_version: '3',
      risk_class: 'high',
      bundle_sha256: 'a'.repeat(64),
    });
    // The JSON keeps the caller's text.
    await expect(store.get('d-1')).resolves.toMatchObject({ evaluatedAt: '2025-03-01T11:00:00+01:00' });
  });

  it('refuses a decision whose evaluatedAt is not a timestamp', async () => {
    await expect(store.record(decision('d-1', 'yesterday'))).rejects.toThrow(
      'evaluatedAt is not an ISO 8601 timestamp: yesterday',
    );
  });
});

describe('immutability, enforced by the database', () => {
  beforeEach(async () => {
    await store.record(decision('d-1', at(0)));
    await store.recordRejection(rejection('r-1', at(0)));
  });

  it('aborts a raw UPDATE of a decision with the trigger message', () => {
    expect(() => db.prepare("UPDATE decisions SET outcome = 'allow' WHERE id = 'd-1'").run()).toThrow(
      DECISIONS_IMMUTABLE_MESSAGE,
    );
    expect(DECISIONS_IMMUTABLE_MESSAGE).toBe(
      'decisions are append-only: a recorded decision cannot be changed',
    );
    expect(db.prepare("SELECT outcome FROM decisions WHERE id = 'd-1'").pluck().get()).toBe('deny');
  });

  it('aborts a raw DELETE of a decision', () => {
    expect(() => db.prepare('DELETE FROM decisions').run()).toThrow(DECISIONS_IMMUTABLE_MESSAGE);
    expect(db.prepare('SELECT count(*) FROM decisions').pluck().get()).toBe(1);
  });

  it('aborts INSERT OR REPLACE, which would otherwise delete the old row silently', () => {
    const replace = db.prepare(`
      INSERT OR REPLACE INTO decisions (id, evaluated_at, gate, outcome, subject_id, subject_group,
                                        subject_version, bundle_sha256, body)
      VALUES ('d-1', '2025-01-01T00:00:00.000Z', 'g', 'allow', 's', 'g', '1', 'x', '{}')`);

    expect(() => replace.run()).toThrow(DECISIONS_IMMUTABLE_MESSAGE);
    expect(db.prepare("SELECT outcome FROM decisions WHERE id = 'd-1'").pluck().get()).toBe('deny');
  });

  it('aborts a raw UPDATE or DELETE of a rejection', () => {
    expect(() => db.prepare("UPDATE rejections SET code = 'x'").run()).toThrow(REJECTIONS_IMMUTABLE_MESSAGE);
    expect(() => db.prepare('DELETE FROM rejections').run()).toThrow(REJECTIONS_IMMUTABLE_MESSAGE);
    expect(REJECTIONS_IMMUTABLE_MESSAGE).toBe(
      'rejections are append-only: a recorded rejection cannot be changed',
    );
  });
});

describe('list', () => {
  it('orders by evaluatedAt, then by order of recording, whatever the order they arrive in', async () => {
    await store.record(decision('late', at(30)));
    await store.record(decision('tie-1', at(10)));
    await store.record(decision('early', at(0)));
    await store.record(decision('tie-2', at(10)));

    const page = await store.list();

    expect(page.decisions.map((d) => d.id)).toEqual(['early', 'tie-1', 'tie-2', 'late']);
    expect(page.nextCursor).toBeUndefined();
  });

  it('pages through more decisions than a page with an opaque base64url cursor', async () => {
    for (let i = 0; i < 7; i++) await store.record(decision(`d-${i}`, at(i)));

    const first = await store.list({ limit: 3 });
    expect(first.decisions.map((d) => d.id)).toEqual(['d-0', 'd-1', 'd-2']);
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);

    const second = await store.list({ limit: 3, cursor: first.nextCursor });
    expect(second.decisions.map((d) => d.id)).toEqual(['d-3', 'd-4', 'd-5']);

    const last = await store.list({ limit: 3, cursor: second.nextCursor });
    expect(last.decisions.map((d) => d.id)).toEqual(['d-6']);
    expect(last.nextCursor).toBeUndefined();
  });

  it('gives no cursor when the last page is exactly full', async () => {
    for (let i = 0; i < 4; i++) await store.record(decision(`d-${i}`, at(i)));

    const first = await store.list({ limit: 2 });
    const second = await store.list({ limit: 2, cursor: first.nextCursor });

    expect(second.decisions.map((d) => d.id)).toEqual(['d-2', 'd-3']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('keeps the order stable while decisions are recorded between page reads', async () => {
    for (let i = 0; i < 10; i++) await store.record(decision(`d-${i}`, at(i * 10)));

    const seen: string[] = [];
    let page = await store.list({ limit: 4 });
    seen.push(...page.decisions.map((d) => d.id));

    // Recorded after the first page was read: one sorts before the cursor, one among the
    // unread, one at the end, and one at exactly the cursor's time.
    await store.record(decision('before-cursor', at(5)));
    await store.record(decision('among-unread', at(55)));
    await store.record(decision('at-the-end', at(200)));
    await store.record(decision('same-time-as-cursor', at(30)));

    while (page.nextCursor) {
      page = await store.list({ limit: 4, cursor: page.nextCursor });
      seen.push(...page.decisions.map((d) => d.id));
      await store.record(decision(`during-${seen.length}`, at(1000 + seen.length)));
    }

    // Nothing read twice, nothing that existed at the start skipped, and the result in list order.
    expect(new Set(seen).size).toBe(seen.length);
    for (let i = 0; i < 10; i++) expect(seen).toContain(`d-${i}`);
    expect(seen).not.toContain('before-cursor');
    expect(seen.slice(0, 4)).toEqual(['d-0', 'd-1', 'd-2', 'd-3']);
    expect(seen.slice(4, 12)).toEqual([
      'same-time-as-cursor',
      'd-4',
      'd-5',
      'among-unread',
      'd-6',
      'd-7',
      'd-8',
      'd-9',
    ]);
    expect(seen).toContain('at-the-end');
    const times = await Promise.all(seen.map(async (id) => (await store.get(id))?.evaluatedAt ?? ''));
    expect(times).toEqual([...times].sort());
  });

  it('walks every decision exactly once across many pages', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => `d-${String(i).padStart(3, '0')}`);
    for (const [i, id] of ids.entries()) await store.record(decision(id, at(i % 7)));

    const walked = await readAll(25);

    expect(walked).toHaveLength(120);
    expect(new Set(walked)).toEqual(new Set(ids));
  });

  it('defaults to 50 per page and allows up to 1000', async () => {
    for (let i = 0; i < 60; i++) await store.record(decision(`d-${i}`, at(i)));

    expect((await store.list()).decisions).toHaveLength(50);
    expect((await store.list({ limit: 1000 })).decisions).toHaveLength(60);
  });

  it('rejects a limit above 1000, below 1 or not an integer with a RangeError', async () => {
    await expect(store.list({ limit: 1001 })).rejects.toThrow(
      new RangeError('limit must be an integer from 1 to 1000, got 1001'),
    );
    await expect(store.list({ limit: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(store.list({ limit: 2.5 })).rejects.toBeInstanceOf(RangeError);
    await expect(store.listRejections({ limit: 5000 })).rejects.toBeInstanceOf(RangeError);
  });

  it('rejects a cursor it did not issue', async () => {
    await store.record(decision('d-1', at(0)));

    const message = 'invalid decision cursor: pass back the nextCursor of an earlier page';
    await expect(store.list({ cursor: 'not a cursor' })).rejects.toThrow(new InvalidCursorError());
    const unknown = Buffer.from('999').toString('base64url');
    await expect(store.list({ cursor: unknown })).rejects.toThrow(message);
  });
});

describe('rejections', () => {
  it('lists the most recent first, idempotent by id', async () => {
    await store.recordRejection(rejection('r-1', at(0)));
    await store.recordRejection(rejection('r-3', at(20)));
    await store.recordRejection(rejection('r-2', at(10)));
    await store.recordRejection({ ...rejection('r-1', at(30)), message: 'a retry' });

    await expect(store.listRejections()).resolves.toEqual([
      rejection('r-3', at(20)),
      rejection('r-2', at(10)),
      rejection('r-1', at(0)),
    ]);
    await expect(store.listRejections({ limit: 1 })).resolves.toEqual([rejection('r-3', at(20))]);
  });

  it('keeps an event id when there is one', async () => {
    await store.recordRejection({ ...rejection('r-1', at(0)), eventId: 'event-7' });

    await expect(store.listRejections()).resolves.toEqual([
      { ...rejection('r-1', at(0)), eventId: 'event-7' },
    ]);
  });
});

describe('on disk', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-decisions-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps decisions and the immutability triggers across reopen', async () => {
    const file = path.join(dir, 'verdict.db');
    const first = openDatabase(file);
    await new SqliteDecisionStore(first).record(decision('d-1', at(0)));
    first.close();

    const second = openDatabase(file);
    try {
      const reopened = new SqliteDecisionStore(second);
      await expect(reopened.get('d-1')).resolves.toEqual(decision('d-1', at(0)));
      expect(() => second.prepare('DELETE FROM decisions').run()).toThrow(DECISIONS_IMMUTABLE_MESSAGE);
    } finally {
      second.close();
    }
  });
});

describe('list with a filter', () => {
  beforeEach(async () => {
    await store.record(
      decision('d-1', at(1), { subject: modelPackage('credit', '1'), decision: 'allow', riskClass: 'high' }),
    );
    await store.record(
      decision('d-2', at(2), { subject: modelPackage('credit', '2'), decision: 'deny', riskClass: 'high' }),
    );
    await store.record(
      decision('d-3', at(3), {
        subject: modelPackage('cv-ranker', '1'),
        decision: 'deny',
        riskClass: 'limited',
        policy: { bundleSha256: 'c'.repeat(64), version: '1.1.0', entrypoint: 'verdict/model_approval' },
      }),
    );
    await store.record(decision('d-4', at(4), { subject: modelPackage('credit', '2'), decision: 'review' }));
    const { riskClass: _none, ...withoutRisk } = decision('d-5', at(5), {
      subject: modelPackage('chat', '1'),
    });
    await store.record(withoutRisk);
  });

  const ids = async (options: Parameters<SqliteDecisionStore['list']>[0]) =>
    (await store.list(options)).decisions.map((d) => d.id);

  it('narrows by each field, and by several at once', async () => {
    expect(await ids({ filter: { model: 'credit' } })).toEqual(['d-1', 'd-2', 'd-4']);
    expect(await ids({ filter: { version: '1' } })).toEqual(['d-1', 'd-3', 'd-5']);
    expect(await ids({ filter: { model: 'credit', version: '2' } })).toEqual(['d-2', 'd-4']);
    expect(await ids({ filter: { decision: 'deny' } })).toEqual(['d-2', 'd-3', 'd-5']);
    expect(await ids({ filter: { riskClass: 'high' } })).toEqual(['d-1', 'd-2', 'd-4']);
    expect(await ids({ filter: { policyBundle: 'c'.repeat(64) } })).toEqual(['d-3']);
    expect(await ids({ filter: { model: 'credit', decision: 'deny', riskClass: 'high' } })).toEqual(['d-2']);
    expect(await ids({ filter: { model: 'nobody' } })).toEqual([]);
  });

  it('narrows by the gate that decided, so no gate hides the decisions of another', async () => {
    await store.record(decision('d-6', at(6), { gate: 'deployment', subject: modelPackage('credit', '2') }));
    expect(await ids({ filter: { model: 'credit', version: '2' } })).toEqual(['d-2', 'd-4', 'd-6']);
    expect(await ids({ filter: { model: 'credit', version: '2', gate: 'model-approval' } })).toEqual([
      'd-2',
      'd-4',
    ]);
    expect(await ids({ filter: { gate: 'deployment' } })).toEqual(['d-6']);
  });

  it('takes from inclusive and to exclusive, in any offset', async () => {
    expect(await ids({ filter: { from: at(2), to: at(4) } })).toEqual(['d-2', 'd-3']);
    const plusOne = new Date(Date.parse(at(2))).toISOString().replace('Z', '+00:00');
    expect(await ids({ filter: { from: plusOne } })).toEqual(['d-2', 'd-3', 'd-4', 'd-5']);
    expect(await ids({ filter: { to: at(1) } })).toEqual([]);
  });

  it('lists newest first with order desc, and pages either way with the same filter', async () => {
    expect(await ids({ order: 'desc' })).toEqual(['d-5', 'd-4', 'd-3', 'd-2', 'd-1']);
    const first = await store.list({ filter: { model: 'credit' }, order: 'desc', limit: 2 });
    expect(first.decisions.map((d) => d.id)).toEqual(['d-4', 'd-2']);
    const second = await store.list({
      filter: { model: 'credit' },
      order: 'desc',
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(second.decisions.map((d) => d.id)).toEqual(['d-1']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('keeps a filtered walk stable while matching and other decisions are appended between pages', async () => {
    const first = await store.list({ filter: { model: 'credit' }, limit: 2 });
    expect(first.decisions.map((d) => d.id)).toEqual(['d-1', 'd-2']);
    // Recorded after the first page: one sorts before the cursor (never shown: it is behind the reader),
    // one after it (shown), one for another model (never shown).
    await store.record(decision('late-early', at(0), { subject: modelPackage('credit', '3') }));
    await store.record(decision('late-later', at(6), { subject: modelPackage('credit', '3') }));
    await store.record(decision('late-other', at(6), { subject: modelPackage('cv-ranker', '2') }));
    const second = await store.list({ filter: { model: 'credit' }, limit: 2, cursor: first.nextCursor });
    expect(second.decisions.map((d) => d.id)).toEqual(['d-4', 'late-later']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('rejects a from or to that is not a time with a RangeError', async () => {
    await expect(store.list({ filter: { from: 'yesterday' } })).rejects.toBeInstanceOf(RangeError);
    await expect(store.list({ filter: { to: '2025-13-40' } })).rejects.toBeInstanceOf(RangeError);
  });

  it('answers each filter from an index that ends in the list order, without sorting', () => {
    const plan = (sql: string) =>
      db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((row) => (row as { detail: string }).detail)
        .join('; ');
    const order = 'ORDER BY evaluated_at, seq LIMIT 51';
    for (const [where, index] of [
      ["subject_group = 'credit'", 'decisions_by_group_time'],
      ["subject_group = 'credit' AND subject_version = '2'", 'decisions_by_subject_time'],
      ["outcome = 'deny'", 'decisions_by_outcome_time'],
      ["risk_class = 'high'", 'decisions_by_risk_time'],
      [`bundle_sha256 = '${'c'.repeat(64)}'`, 'decisions_by_bundle_time'],
      ["evaluated_at >= '2025-01-01' AND evaluated_at < '2026-01-01'", 'decisions_by_time'],
    ] as const) {
      const detail = plan(`SELECT seq, body FROM decisions WHERE ${where} ${order}`);
      expect(detail, where).toContain(index);
      expect(detail, where).not.toContain('TEMP B-TREE');
    }
  });
});
