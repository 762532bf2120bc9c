/**
 * Key schema of the decisions table, shared by the DynamoDB adapter and the CDK stack that creates it.
 * Every key attribute is a string (DynamoDB type `S`).
 *
 *   item        pk                   sk           listPk        listSk
 *   decision    DECISION#<id>        DECISION     DECISIONS     <evaluatedAt as ISO-8601 UTC>#<id>
 *   rejection   REJECTION#<id>       REJECTION    REJECTIONS    <rejectedAt as ISO-8601 UTC>#<id>
 *   exception   EXCEPTION#<id>       EXCEPTION    EXCEPTIONS#<subject>  <grantedAt as ISO-8601 UTC>#<id>
 *   revocation  EXCEPTION#<id>       REVOCATION   EXCEPTIONS#<subject>  <grantedAt as ISO-8601 UTC>#<id>#revoked
 *   API call    ACCESS#<id>          ACCESS       ACCESS        <at as ISO-8601 UTC>#<id>
 *
 * `pk` makes each record addressable by id, so a conditional put on `attribute_not_exists(pk)` is the
 * idempotency check. The `by-time` index (projection ALL) lists records in a stable order: time, then id.
 * Its partition key is one constant per record kind; one partition takes ~1,000 writes/s, far above the
 * rate at which gates decide (or auditors call the API).
 *
 * The API function may write only `ACCESS#` items: its IAM policy conditions PutItem on
 * `dynamodb:LeadingKeys` (ACCESS_KEY_PREFIX).
 */
export const DECISION_TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
} as const;

export const DECISION_TABLE_LIST_INDEX = {
  indexName: 'by-time',
  partitionKey: 'listPk',
  sortKey: 'listSk',
  projection: 'ALL',
} as const;

/** Every attribute named above, for `AttributeDefinitions`: all strings. */
export const DECISION_TABLE_KEY_ATTRIBUTES = [
  DECISION_TABLE_KEYS.partitionKey,
  DECISION_TABLE_KEYS.sortKey,
  DECISION_TABLE_LIST_INDEX.partitionKey,
  DECISION_TABLE_LIST_INDEX.sortKey,
] as const;

export const DECISION_KEY_PREFIX = 'DECISION#';
export const DECISION_SORT_KEY = 'DECISION';
export const DECISION_LIST_PARTITION = 'DECISIONS';
export const REJECTION_KEY_PREFIX = 'REJECTION#';
export const REJECTION_SORT_KEY = 'REJECTION';
export const REJECTION_LIST_PARTITION = 'REJECTIONS';
export const EXCEPTION_KEY_PREFIX = 'EXCEPTION#';
export const EXCEPTION_SORT_KEY = 'EXCEPTION';
/** A revocation is its own item beside the grant (the table is append-only): listed right after it. */
export const REVOCATION_SORT_KEY = 'REVOCATION';
export const EXCEPTION_LIST_PARTITION_PREFIX = 'EXCEPTIONS#';
export const ACCESS_KEY_PREFIX = 'ACCESS#';
export const ACCESS_SORT_KEY = 'ACCESS';
export const ACCESS_LIST_PARTITION = 'ACCESS';
