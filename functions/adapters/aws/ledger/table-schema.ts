/**
 * Key schema of the ledger table (DynamoDB), shared by the AWS ledger store and the CDK construct that creates
 * the table. Both key attributes are strings; numbers in sort keys are zero-padded to 16 digits so that they
 * sort as numbers (Number.MAX_SAFE_INTEGER has 16 digits).
 *
 *   item          pk                     sk                attributes
 *   tree head     HEAD                   HEAD              size, range (compact range, 32-byte hashes), version
 *   origin        ORIGIN                 ORIGIN            origin
 *   batch         BATCH                  <first index>     first, count, bundle (S3 key of the staged entries)
 *   entry id      ID#<entry id>          ID                index, leafHash
 *   checkpoint    CHECKPOINT             <tree size>       size, rootHash, note
 *   cosignature   COSIG#<tree size>      <signature line>
 *   verifier key  VKEY                   <vkey>            addedAt
 *
 * The head is the only item that is ever updated (a compare-and-set on its version); every other item is put
 * once with `attribute_not_exists(pk)`. IAM holds the code to that: UpdateItem only where
 * `dynamodb:LeadingKeys` is HEAD_PARTITION, DeleteItem never.
 */
import { sha256Hex } from '../../../shared/hashing.ts';

export const LEDGER_TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const HEAD_PARTITION = 'HEAD';
export const ORIGIN_PARTITION = 'ORIGIN';
export const BATCH_PARTITION = 'BATCH';
const ID_PARTITION_PREFIX = 'ID#';
export const CHECKPOINT_PARTITION = 'CHECKPOINT';
export const COSIGNATURE_PARTITION_PREFIX = 'COSIG#';
export const VERIFIER_KEY_PARTITION = 'VKEY';

/** A partition key value is at most 2048 bytes: longer entry ids (up to 512 characters, 2 KiB of UTF-8) are hashed. */
const MAX_PLAIN_ID_BYTES = 1024;

/** A number as a sort key: 16 digits, zero-padded. */
export function sortableNumber(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a ledger index or size: ${n}`);
  return String(n).padStart(16, '0');
}

export function idPartition(id: string): string {
  return Buffer.byteLength(id, 'utf8') <= MAX_PLAIN_ID_BYTES
    ? `${ID_PARTITION_PREFIX}${id}`
    : `${ID_PARTITION_PREFIX}sha256:${sha256Hex(id)}`;
}

/** Key schema of the subject keys table: one item per subject pseudonym, deleted to forget the person. */
export const SUBJECT_KEYS_TABLE_KEYS = { partitionKey: 'subject' } as const;
