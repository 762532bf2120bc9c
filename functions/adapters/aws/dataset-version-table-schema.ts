/**
 * Key schema of the dataset versions table (the read model of registered versions; the ledger holds each
 * record first), shared by the DynamoDB adapter and the stack that will create it. Every key attribute is
 * a string.
 *
 *   pk                    listPk            listSk                                document
 *   DATASET_VERSION#<id>  DATASET_VERSIONS  <registeredAt ISO-8601 UTC>#<id>      the version's JSON
 *
 * One item per version. The `by-time` index lists them oldest first; like every GSI it is eventually
 * consistent, so a version recorded a moment ago may be missing from a listing, never from get().
 */
export const DATASET_VERSION_TABLE_KEYS = { partitionKey: 'pk' } as const;

export const DATASET_VERSION_TABLE_TIME_INDEX = {
  indexName: 'by-time',
  partitionKey: 'listPk',
  sortKey: 'listSk',
  projection: 'ALL',
} as const;

/** Every attribute named above, for `AttributeDefinitions`: all strings. */
export const DATASET_VERSION_TABLE_KEY_ATTRIBUTES = ['pk', 'listPk', 'listSk'] as const;

export const DATASET_VERSION_KEY_PREFIX = 'DATASET_VERSION#';
export const DATASET_VERSION_LIST_PARTITION = 'DATASET_VERSIONS';
