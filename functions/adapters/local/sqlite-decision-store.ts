/**
 * The decision store on one machine: an append-only pair of SQLite tables.
 *
 * Immutability is enforced by the database, not by convention: triggers abort every UPDATE and DELETE
 * on `decisions` and `rejections` (and, with `recursive_triggers`, every `INSERT OR REPLACE`).
 */
import type { Decision, Rejection } from '../../gates/decision.ts';
import {
  type DecisionPage,
  type DecisionStore,
  InvalidCursorError,
  pageSize,
} from '../../ports/decision-store.ts';
import { applyMigrations, type Migration, type SqliteDatabase } from './sqlite-database.ts';

export const DECISIONS_IMMUTABLE_MESSAGE = 'decisions are append-only: a recorded decision cannot be changed';
export const REJECTIONS_IMMUTABLE_MESSAGE =
  'rejections are append-only: a recorded rejection cannot be changed';

export const DECISION_STORE_MIGRATIONS: readonly Migration[] = [
  {
    id: 'decision-store/1-decisions-and-rejections',
    sql: `
      CREATE TABLE decisions (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        id              TEXT NOT NULL UNIQUE,
        evaluated_at    TEXT NOT NULL,
        gate            TEXT NOT NULL,
        outcome         TEXT NOT NULL CHECK (outcome IN ('allow', 'deny', 'review')),
        subject_id      TEXT NOT NULL,
        subject_group   TEXT NOT NULL,
        subject_version TEXT NOT NULL,
        risk_class      TEXT,
        bundle_sha256   TEXT NOT NULL,
        body            TEXT NOT NULL CHECK (json_valid(body))
      ) STRICT;
      CREATE INDEX decisions_by_time ON decisions (evaluated_at, seq);
      CREATE INDEX decisions_by_subject ON decisions (subject_group, subject_version);
      CREATE INDEX decisions_by_subject_id ON decisions (subject_id);
      CREATE INDEX decisions_by_gate ON decisions (gate, outcome);
      CREATE INDEX decisions_by_bundle ON decisions (bundle_sha256);
      CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
        BEGIN SELECT RAISE(ABORT, '${DECISIONS_IMMUTABLE_MESSAGE}'); END;
      CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
        BEGIN SELECT RAISE(ABORT, '${DECISIONS_IMMUTABLE_MESSAGE}'); END;

      CREATE TABLE rejections (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        id          TEXT NOT NULL UNIQUE,
        gate        TEXT NOT NULL,
        event_id    TEXT,
        code        TEXT NOT NULL,
        message     TEXT NOT NULL,
        rejected_at TEXT NOT NULL,
        body        TEXT NOT NULL CHECK (json_valid(body))
      ) STRICT;
      CREATE INDEX rejections_by_time ON rejections (rejected_at, seq);
      CREATE TRIGGER rejections_no_update BEFORE UPDATE ON rejections
        BEGIN SELECT RAISE(ABORT, '${REJECTIONS_IMMUTABLE_MESSAGE}'); END;
      CREATE TRIGGER rejections_no_delete BEFORE DELETE ON rejections
        BEGIN SELECT RAISE(ABORT, '${REJECTIONS_IMMUTABLE_MESSAGE}'); END;
    `,
  },
];

interface DecisionRow {
  seq: number;
  body: string;
}

export class SqliteDecisionStore implements DecisionStore {
  readonly #insertDecision;
  readonly #decisionById;
  readonly #firstPage;
  readonly #pageAfter;
  readonly #positionOf;
  readonly #insertRejection;
  readonly #recentRejections;

  constructor(db: SqliteDatabase) {
    applyMigrations(db, DECISION_STORE_MIGRATIONS);
    this.#insertDecision = db.prepare(`
      INSERT INTO decisions (id, evaluated_at, gate, outcome, subject_id, subject_group, subject_version,
                             risk_class, bundle_sha256, body)
      VALUES (@id, @evaluatedAt, @gate, @outcome, @subjectId, @subjectGroup, @subjectVersion,
              @riskClass, @bundleSha256, @body)
      ON CONFLICT (id) DO NOTHING`);
    this.#decisionById = db.prepare<[string], DecisionRow>('SELECT seq, body FROM decisions WHERE id = ?');
    this.#firstPage = db.prepare<[number], DecisionRow>(
      'SELECT seq, body FROM decisions ORDER BY evaluated_at, seq LIMIT ?',
    );
    this.#pageAfter = db.prepare<[string, number, number], DecisionRow>(
      'SELECT seq, body FROM decisions WHERE (evaluated_at, seq) > (?, ?) ORDER BY evaluated_at, seq LIMIT ?',
    );
    this.#positionOf = db.prepare<[number], { evaluated_at: string }>(
      'SELECT evaluated_at FROM decisions WHERE seq = ?',
    );
    this.#insertRejection = db.prepare(`
      INSERT INTO rejections (id, gate, event_id, code, message, rejected_at, body)
      VALUES (@id, @gate, @eventId, @code, @message, @rejectedAt, @body)
      ON CONFLICT (id) DO NOTHING`);
    this.#recentRejections = db.prepare<[number], { body: string }>(
      'SELECT body FROM rejections ORDER BY rejected_at DESC, seq DESC LIMIT ?',
    );
  }

  async record(decision: Decision): Promise<{ stored: Decision; created: boolean }> {
    const body = JSON.stringify(decision);
    const { changes } = this.#insertDecision.run({
      id: decision.id,
      evaluatedAt: sortableTimestamp(decision.evaluatedAt, 'evaluatedAt'),
      gate: decision.gate,
      outcome: decision.decision,
      subjectId: decision.subject.id,
      subjectGroup: decision.subject.group,
      subjectVersion: decision.subject.version,
      riskClass: decision.riskClass ?? null,
      bundleSha256: decision.policy.bundleSha256,
      body,
    });
    if (changes === 1) return { stored: JSON.parse(body) as Decision, created: true };
    const existing = this.#decisionById.get(decision.id);
    if (!existing) throw new Error(`decision ${decision.id} was neither inserted nor found`);
    return { stored: JSON.parse(existing.body) as Decision, created: false };
  }

  async get(id: string): Promise<Decision | undefined> {
    const row = this.#decisionById.get(id);
    return row ? (JSON.parse(row.body) as Decision) : undefined;
  }

  /**
   * Ordered by `evaluatedAt`, then by the order of recording. The cursor is the sequence number of the
   * last decision returned (keyset pagination): decisions recorded between two page reads never shift
   * or repeat the ones already read; those that sort after the cursor appear on later pages.
   */
  async list(options: { limit?: number; cursor?: string } = {}): Promise<DecisionPage> {
    const limit = pageSize(options.limit);
    let rows: DecisionRow[];
    if (options.cursor === undefined) {
      rows = this.#firstPage.all(limit + 1);
    } else {
      const seq = decodeCursor(options.cursor);
      const position = this.#positionOf.get(seq);
      if (!position) throw new InvalidCursorError();
      rows = this.#pageAfter.all(position.evaluated_at, seq, limit + 1);
    }
    const page = rows.slice(0, limit);
    const decisions = page.map((row) => JSON.parse(row.body) as Decision);
    const last = page.at(-1);
    return rows.length > limit && last ? { decisions, nextCursor: encodeCursor(last.seq) } : { decisions };
  }

  async recordRejection(rejection: Rejection): Promise<void> {
    this.#insertRejection.run({
      id: rejection.id,
      gate: rejection.gate,
      eventId: rejection.eventId,
      code: rejection.code,
      message: rejection.message,
      rejectedAt: sortableTimestamp(rejection.rejectedAt, 'rejectedAt'),
      body: JSON.stringify(rejection),
    });
  }

  /** Most recent first. */
  async listRejections(options: { limit?: number } = {}): Promise<Rejection[]> {
    return this.#recentRejections
      .all(pageSize(options.limit))
      .map((row) => JSON.parse(row.body) as Rejection);
  }
}

function encodeCursor(seq: number): string {
  return Buffer.from(String(seq), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const seq = Number(text);
  if (!/^[1-9][0-9]*$/.test(text) || !Number.isSafeInteger(seq)) {
    throw new InvalidCursorError();
  }
  return seq;
}

/**
 * The indexed time columns hold the instant in one fixed format (`toISOString`, UTC, milliseconds) so
 * that text order is time order whatever offset or precision the caller used; the stored JSON keeps
 * the original text.
 */
function sortableTimestamp(value: string, field: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new RangeError(`${field} is not an ISO 8601 timestamp: ${value}`);
  return new Date(time).toISOString();
}
