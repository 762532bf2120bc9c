/**
 * The decision store on one machine: an append-only pair of SQLite tables.
 *
 * Immutability is enforced by the database, not by convention: triggers abort every UPDATE and DELETE
 * on `decisions` and `rejections` (and, with `recursive_triggers`, every `INSERT OR REPLACE`).
 */

import type { Statement } from 'better-sqlite3';
import type { Decision, Rejection } from '../../contracts/decision.ts';
import {
  type DecisionFilter,
  type DecisionListOptions,
  type DecisionPage,
  type DecisionStore,
  InvalidCursorError,
  pageSize,
  sortableTime,
} from '../../ports/decision-store.ts';
import { applyMigrations, type Migration, type SqliteDatabase } from './sqlite-database.ts';

export const DECISIONS_IMMUTABLE_MESSAGE = 'decisions are append-only: a recorded decision cannot be changed';
export const REJECTIONS_IMMUTABLE_MESSAGE =
  'rejections are append-only: a recorded rejection cannot be changed';

const DECISION_STORE_MIGRATIONS: readonly Migration[] = [
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
  {
    // One index per filter of `list`, each ending in the list order (evaluated_at, seq), so that a filtered
    // page is an index range scan that stops after `limit` rows, whatever the table's size. They supersede
    // the single-column subject and bundle indexes.
    id: 'decision-store/2-filter-indexes',
    sql: `
      DROP INDEX decisions_by_subject;
      DROP INDEX decisions_by_bundle;
      CREATE INDEX decisions_by_group_time ON decisions (subject_group, evaluated_at, seq);
      CREATE INDEX decisions_by_subject_time ON decisions (subject_group, subject_version, evaluated_at, seq);
      CREATE INDEX decisions_by_version_time ON decisions (subject_version, evaluated_at, seq);
      CREATE INDEX decisions_by_outcome_time ON decisions (outcome, evaluated_at, seq);
      CREATE INDEX decisions_by_risk_time ON decisions (risk_class, evaluated_at, seq);
      CREATE INDEX decisions_by_bundle_time ON decisions (bundle_sha256, evaluated_at, seq);
    `,
  },
];

/**
 * The index a filtered page reads, most selective filter first. Named explicitly (INDEXED BY): without
 * statistics SQLite may pick, say, the risk-class index for model + decision + risk class and scan a
 * third of the table, where the model's index finds the page in a few hundred rows.
 */
export function decisionListIndex(filter: DecisionFilter): string {
  if (filter.model !== undefined && filter.version !== undefined) return 'decisions_by_subject_time';
  if (filter.model !== undefined) return 'decisions_by_group_time';
  if (filter.version !== undefined) return 'decisions_by_version_time';
  if (filter.policyBundle !== undefined) return 'decisions_by_bundle_time';
  if (filter.riskClass !== undefined) return 'decisions_by_risk_time';
  if (filter.decision !== undefined) return 'decisions_by_outcome_time';
  return 'decisions_by_time';
}

/** The indexed column each filter field compares with `=`. */
const FILTER_COLUMNS = {
  model: 'subject_group',
  version: 'subject_version',
  gate: 'gate',
  decision: 'outcome',
  riskClass: 'risk_class',
  policyBundle: 'bundle_sha256',
} as const satisfies Partial<Record<keyof DecisionFilter, string>>;

interface DecisionRow {
  seq: number;
  body: string;
}

export class SqliteDecisionStore implements DecisionStore {
  readonly #insertDecision;
  readonly #db: SqliteDatabase;
  readonly #decisionById;
  readonly #pages = new Map<string, Statement<Record<string, unknown>, DecisionRow>>();
  readonly #positionOf;
  readonly #insertRejection;
  readonly #recentRejections;

  constructor(db: SqliteDatabase) {
    applyMigrations(db, DECISION_STORE_MIGRATIONS);
    this.#db = db;
    this.#insertDecision = db.prepare(`
      INSERT INTO decisions (id, evaluated_at, gate, outcome, subject_id, subject_group, subject_version,
                             risk_class, bundle_sha256, body)
      VALUES (@id, @evaluatedAt, @gate, @outcome, @subjectId, @subjectGroup, @subjectVersion,
              @riskClass, @bundleSha256, @body)
      ON CONFLICT (id) DO NOTHING`);
    this.#decisionById = db.prepare<[string], DecisionRow>('SELECT seq, body FROM decisions WHERE id = ?');
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
    // The indexed time column holds the instant in one fixed form (UTC, milliseconds), so that text order is
    // time order whatever offset or precision the caller used; the stored JSON keeps the caller's text.
    const { changes } = this.#insertDecision.run({
      id: decision.id,
      evaluatedAt: sortableTime(decision.evaluatedAt, 'evaluatedAt'),
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
   * Ordered by `evaluatedAt`, then by the order of recording (oldest first, or newest first with
   * `order: 'desc'`). The cursor is the sequence number of the last decision returned (keyset pagination):
   * decisions recorded between two page reads never shift or repeat the ones already read; those that
   * sort after the cursor appear on later pages. Every filter is an indexed equality or time range; the
   * page is read from one index (decisionListIndex) that also gives the order, so it stops after `limit` matches.
   */
  async list(options: DecisionListOptions = {}): Promise<DecisionPage> {
    const limit = pageSize(options.limit);
    const filter = options.filter ?? {};
    const descending = options.order === 'desc';
    const params: Record<string, unknown> = { limit: limit + 1 };
    const where: string[] = [];
    for (const [field, column] of Object.entries(FILTER_COLUMNS) as [keyof typeof FILTER_COLUMNS, string][]) {
      const value = filter[field];
      if (value === undefined) continue;
      where.push(`${column} = @${field}`);
      params[field] = value;
    }
    if (filter.from !== undefined) {
      where.push('evaluated_at >= @from');
      params.from = sortableTime(filter.from, 'from');
    }
    if (filter.to !== undefined) {
      where.push('evaluated_at < @to');
      params.to = sortableTime(filter.to, 'to');
    }
    if (options.cursor !== undefined) {
      const seq = decodeCursor(options.cursor);
      const position = this.#positionOf.get(seq);
      if (!position) throw new InvalidCursorError();
      where.push(`(evaluated_at, seq) ${descending ? '<' : '>'} (@afterTime, @afterSeq)`);
      params.afterTime = position.evaluated_at;
      params.afterSeq = seq;
    }
    const direction = descending ? 'DESC' : 'ASC';
    const sql = `SELECT seq, body FROM decisions INDEXED BY ${decisionListIndex(filter)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY evaluated_at ${direction}, seq ${direction} LIMIT @limit`;
    let statement = this.#pages.get(sql);
    if (!statement) {
      statement = this.#db.prepare<Record<string, unknown>, DecisionRow>(sql);
      this.#pages.set(sql, statement);
    }
    const rows = statement.all(params);
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
      rejectedAt: sortableTime(rejection.rejectedAt, 'rejectedAt'),
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
