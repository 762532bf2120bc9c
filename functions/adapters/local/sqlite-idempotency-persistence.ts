/**
 * Powertools idempotency records in SQLite, for handlers run on one machine.
 *
 * Mirrors `DynamoDBPersistenceLayer` record for record: the same attributes (status, expiration in
 * seconds, in-progress expiration in milliseconds, data, validation) and the same conditional write. A
 * record can be put only if none exists for the key, or the existing one has expired, or it is in
 * progress and its in-progress expiry has passed (the Lambda that held it timed out); otherwise
 * `IdempotencyItemAlreadyExistsError` carries the existing record. Expired records stay until
 * `purgeExpired` removes them, as DynamoDB keeps them until its TTL sweep.
 */
import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
} from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { applyMigrations, type Migration, type SqliteDatabase } from './sqlite-database.ts';

const IDEMPOTENCY_MIGRATIONS: readonly Migration[] = [
  {
    id: 'idempotency/1-records',
    sql: `
      CREATE TABLE idempotency_records (
        id                     TEXT PRIMARY KEY,
        status                 TEXT NOT NULL,
        expiration             REAL,
        in_progress_expiration REAL,
        data                   TEXT,
        validation             TEXT
      ) STRICT;
      CREATE INDEX idempotency_records_by_expiration ON idempotency_records (expiration);
    `,
  },
];

interface RecordRow {
  id: string;
  status: string;
  expiration: number | null;
  in_progress_expiration: number | null;
  data: string | null;
  validation: string | null;
}

type RecordStatus = ConstructorParameters<typeof IdempotencyRecord>[0]['status'];

export class SqliteIdempotencyPersistence extends BasePersistenceLayer {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    super();
    applyMigrations(db, IDEMPOTENCY_MIGRATIONS);
    this.#db = db;
  }

  /** Deletes the records whose expiration has passed (DynamoDB's TTL sweep); returns how many. */
  purgeExpired(nowMillis: number = Date.now()): number {
    return this.#db.prepare('DELETE FROM idempotency_records WHERE expiration < ?').run(nowMillis / 1000)
      .changes;
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const row = this.#select(idempotencyKey);
    if (!row) throw new IdempotencyItemNotFoundError();
    return toRecord(row);
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const put = this.#db.transaction((): RecordRow | undefined => {
      const now = Date.now();
      // PutItem replaces the whole item, so a taken-over record loses the previous data.
      const { changes } = this.#db
        .prepare(`
          INSERT INTO idempotency_records (id, status, expiration, in_progress_expiration, data, validation)
          VALUES (@id, @status, @expiration, @inProgressExpiration, NULL, @validation)
          ON CONFLICT (id) DO UPDATE SET
            status = excluded.status,
            expiration = excluded.expiration,
            in_progress_expiration = excluded.in_progress_expiration,
            data = NULL,
            validation = excluded.validation
          WHERE idempotency_records.expiration < @nowSeconds
             OR (idempotency_records.status = 'INPROGRESS'
                 AND idempotency_records.in_progress_expiration IS NOT NULL
                 AND idempotency_records.in_progress_expiration < @nowMillis)`)
        .run({
          id: record.idempotencyKey,
          status: record.getStatus(),
          expiration: record.expiryTimestamp ?? null,
          inProgressExpiration: record.inProgressExpiryTimestamp ?? null,
          validation: this.isPayloadValidationEnabled() ? (record.payloadHash ?? null) : null,
          nowSeconds: now / 1000,
          nowMillis: now,
        });
      return changes === 0 ? this.#select(record.idempotencyKey) : undefined;
    });
    const blocking = put.immediate();
    if (blocking) {
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        toRecord(blocking),
      );
    }
  }

  /** Like DynamoDB's UpdateItem: sets status and expiration, the result if any, and upserts. */
  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const setData = record.responseData !== undefined;
    const setValidation = this.isPayloadValidationEnabled();
    this.#db
      .prepare(`
        INSERT INTO idempotency_records (id, status, expiration, data, validation)
        VALUES (@id, @status, @expiration, @data, @validation)
        ON CONFLICT (id) DO UPDATE SET
          status = excluded.status,
          expiration = excluded.expiration,
          data = CASE WHEN @setData THEN excluded.data ELSE idempotency_records.data END,
          validation = CASE WHEN @setValidation THEN excluded.validation ELSE idempotency_records.validation END`)
      .run({
        id: record.idempotencyKey,
        status: record.getStatus(),
        expiration: record.expiryTimestamp ?? null,
        data: setData ? JSON.stringify(record.responseData) : null,
        validation: setValidation ? (record.payloadHash ?? null) : null,
        setData: setData ? 1 : 0,
        setValidation: setValidation ? 1 : 0,
      });
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.#db.prepare('DELETE FROM idempotency_records WHERE id = ?').run(record.idempotencyKey);
  }

  #select(idempotencyKey: string): RecordRow | undefined {
    return this.#db
      .prepare<[string], RecordRow>(
        'SELECT id, status, expiration, in_progress_expiration, data, validation FROM idempotency_records WHERE id = ?',
      )
      .get(idempotencyKey);
  }
}

function toRecord(row: RecordRow): IdempotencyRecord {
  return new IdempotencyRecord({
    idempotencyKey: row.id,
    status: row.status as RecordStatus,
    expiryTimestamp: row.expiration ?? undefined,
    inProgressExpiryTimestamp: row.in_progress_expiration ?? undefined,
    responseData: row.data === null ? undefined : (JSON.parse(row.data) as IdempotencyRecord['responseData']),
    payloadHash: row.validation ?? undefined,
  });
}
