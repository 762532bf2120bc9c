/**
 * The local bus's dead letters in the data directory's SQLite file, so they survive a restart and
 * `verdict dlq list|redrive` sees what `verdict serve` kept. Bounded: when full, a new letter is refused
 * (and the event it stands for is not acknowledged) rather than an old one dropped.
 */
import { randomUUID } from 'node:crypto';
import {
  type DeadLetter,
  type DeadLetterStore,
  DeadLetterStoreFullError,
  type NewDeadLetter,
  shortError,
} from './dead-letters.ts';
import { applyMigrations, type Migration, type SqliteDatabase } from './sqlite-database.ts';

const DEFAULT_MAX_DEAD_LETTERS = 1000;

const DEAD_LETTER_MIGRATIONS: readonly Migration[] = [
  {
    id: 'dead-letters/1-table',
    sql: `
      CREATE TABLE dead_letters (
        seq       INTEGER PRIMARY KEY AUTOINCREMENT,
        id        TEXT NOT NULL UNIQUE,
        route_id  TEXT NOT NULL,
        target    TEXT NOT NULL,
        event_id  TEXT NOT NULL,
        failed_at TEXT NOT NULL,
        attempts  INTEGER NOT NULL,
        error     TEXT NOT NULL,
        event     TEXT NOT NULL CHECK (json_valid(event))
      ) STRICT;
    `,
  },
];

interface Row {
  id: string;
  route_id: string;
  target: string;
  event_id: string;
  failed_at: string;
  attempts: number;
  error: string;
  event: string;
}

export class SqliteDeadLetterStore implements DeadLetterStore {
  readonly #insert;
  readonly #list;
  readonly #get;
  readonly #remove;
  readonly #fail;
  readonly #record;

  constructor(
    db: SqliteDatabase,
    private readonly maxLetters = DEFAULT_MAX_DEAD_LETTERS,
  ) {
    applyMigrations(db, DEAD_LETTER_MIGRATIONS);
    const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM dead_letters');
    this.#insert = db.prepare(`
      INSERT INTO dead_letters (id, route_id, target, event_id, failed_at, attempts, error, event)
      VALUES (@id, @routeId, @target, @eventId, @failedAt, 1, @error, @event)`);
    this.#list = db.prepare<[number], Row>('SELECT * FROM dead_letters ORDER BY seq LIMIT ?');
    this.#get = db.prepare<[string], Row>('SELECT * FROM dead_letters WHERE id = ?');
    this.#remove = db.prepare<[string]>('DELETE FROM dead_letters WHERE id = ?');
    this.#fail = db.prepare<[string, string]>(
      'UPDATE dead_letters SET attempts = attempts + 1, error = ? WHERE id = ?',
    );
    // The count and the insert in one write transaction, so two processes cannot both take the last place.
    this.#record = db.transaction((row: Record<string, unknown>) => {
      if ((count.get()?.n ?? 0) >= this.maxLetters) {
        throw new DeadLetterStoreFullError(
          `the dead-letter store is full (${this.maxLetters} letters): redrive them with verdict dlq redrive`,
        );
      }
      this.#insert.run(row);
    });
  }

  async record(letter: NewDeadLetter): Promise<string> {
    const id = randomUUID();
    this.#record.immediate({
      id,
      routeId: letter.routeId,
      target: letter.target,
      eventId: letter.eventId,
      failedAt: new Date().toISOString(),
      error: shortError(letter.error),
      event: JSON.stringify(letter.event),
    });
    return id;
  }

  async list(options: { limit?: number } = {}): Promise<DeadLetter[]> {
    return this.#list.all(options.limit ?? this.maxLetters).map(fromRow);
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const row = this.#get.get(id);
    return row ? fromRow(row) : undefined;
  }

  async remove(id: string): Promise<void> {
    this.#remove.run(id);
  }

  async noteFailure(id: string, error: string): Promise<void> {
    this.#fail.run(shortError(error), id);
  }
}

function fromRow(row: Row): DeadLetter {
  return {
    id: row.id,
    routeId: row.route_id,
    target: row.target as DeadLetter['target'],
    eventId: row.event_id,
    failedAt: row.failed_at,
    attempts: row.attempts,
    error: row.error,
    event: JSON.parse(row.event) as DeadLetter['event'],
  };
}
