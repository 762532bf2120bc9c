/**
 * Per-subject data keys in DynamoDB, wrapped by KMS: the AWS SubjectKeyStore.
 *
 * - getOrCreate: KMS GenerateDataKey (AES_256) makes the key; only its KMS ciphertext is stored, in one item
 *   per subject pseudonym, put with `attribute_not_exists` (two callers racing keep the first key).
 * - get: KMS Decrypt of the stored ciphertext. The encryption context `verdict:subject = <pseudonym>` binds a
 *   wrapped key to its subject: copied to another subject's item it no longer decrypts.
 * - destroy: DeleteItem. This table is mutable by design: deleting the item is how a person is forgotten
 *   (crypto-shredding). The wrapped key also leaves the table's point-in-time backups once it is older than
 *   their recovery window (see the ledger README).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SubjectKeyStore } from '../../../ledger/ports/subject-key-store.ts';
import { SUBJECT_ENCRYPTION_CONTEXT_KEY } from '../kms-usage.ts';
import { SUBJECT_KEYS_TABLE_KEYS } from './table-schema.ts';

/** The item holding the KMS-wrapped pseudonym key (see personal-data.ts); no pseudonym can name it. */
export const PSEUDONYM_KEY_ITEM = 'verdict:pseudonym-key';

export interface DynamoDbSubjectKeyStoreOptions {
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  tableName: string;
  /** The symmetric KMS key that wraps the data keys. */
  keyId: string;
  now?: () => Date;
}

export class DynamoDbSubjectKeyStore implements SubjectKeyStore {
  readonly #db: DynamoDBDocumentClient;
  readonly #kms: KMSClient;
  readonly #table: string;
  readonly #keyId: string;
  readonly #now: () => Date;

  constructor(options: DynamoDbSubjectKeyStoreOptions) {
    this.#db = DynamoDBDocumentClient.from(options.dynamodb);
    this.#kms = options.kms;
    this.#table = options.tableName;
    this.#keyId = options.keyId;
    this.#now = options.now ?? (() => new Date());
  }

  #context(subject: string) {
    return { [SUBJECT_ENCRYPTION_CONTEXT_KEY]: subject };
  }

  #key(subject: string) {
    return { [SUBJECT_KEYS_TABLE_KEYS.partitionKey]: subject };
  }

  async getOrCreate(subject: string): Promise<Uint8Array> {
    const existing = await this.get(subject);
    if (existing) return existing;
    const generated = await this.#kms.send(
      new GenerateDataKeyCommand({
        KeyId: this.#keyId,
        KeySpec: 'AES_256',
        EncryptionContext: this.#context(subject),
      }),
    );
    if (!generated.Plaintext || !generated.CiphertextBlob || generated.Plaintext.length !== 32)
      throw new Error(`KMS GenerateDataKey returned no 32-byte data key for ${this.#keyId}`);
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            ...this.#key(subject),
            wrappedKey: generated.CiphertextBlob,
            wrappingKeyId: generated.KeyId ?? this.#keyId,
            createdAt: this.#now().toISOString(),
          },
          ConditionExpression: `attribute_not_exists(${SUBJECT_KEYS_TABLE_KEYS.partitionKey})`,
        }),
      );
      return generated.Plaintext;
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
      const winner = await this.get(subject);
      if (!winner) throw new Error(`the data key of ${subject} was destroyed while it was being created`);
      return winner;
    }
  }

  async get(subject: string): Promise<Uint8Array | undefined> {
    const out = await this.#db.send(
      new GetCommand({ TableName: this.#table, Key: this.#key(subject), ConsistentRead: true }),
    );
    const wrapped = out.Item?.wrappedKey;
    if (!(wrapped instanceof Uint8Array)) return undefined;
    const plain = await this.#kms.send(
      new DecryptCommand({
        CiphertextBlob: wrapped,
        KeyId: String(out.Item?.wrappingKeyId ?? this.#keyId),
        EncryptionContext: this.#context(subject),
      }),
    );
    const key = plain.Plaintext;
    if (key?.length !== 32) throw new Error(`KMS Decrypt returned no 32-byte data key for ${subject}`);
    return key;
  }

  async destroy(subject: string): Promise<boolean> {
    const out = await this.#db.send(
      new DeleteCommand({ TableName: this.#table, Key: this.#key(subject), ReturnValues: 'ALL_OLD' }),
    );
    return out.Attributes !== undefined;
  }
}
