/**
 * Key schema of the deployments table, shared by the DynamoDB adapter and the stack that creates it. Every
 * key attribute is a string.
 *
 *   pk              listPk        listSk                              decisionId
 *   DEPLOYMENT#<id> DEPLOYMENTS   <requestedAt ISO-8601 UTC>#<id>     the approving decision (absent if none)
 *
 * One item per deployment; `version` (a number) is the compare-and-set guard of every write. The `by-time`
 * index lists deployments in request order; the sparse `by-decision` index lists those of one approving
 * decision (what a revocation takes down). Both project ALL and, as every GSI, are eventually consistent:
 * a step re-reads its deployment by key (consistent) before it acts.
 */
export const DEPLOYMENT_TABLE_KEYS = { partitionKey: 'pk' } as const;

export const DEPLOYMENT_TABLE_TIME_INDEX = {
  indexName: 'by-time',
  partitionKey: 'listPk',
  sortKey: 'listSk',
  projection: 'ALL',
} as const;

export const DEPLOYMENT_TABLE_DECISION_INDEX = {
  indexName: 'by-decision',
  partitionKey: 'decisionId',
  sortKey: 'listSk',
  projection: 'ALL',
} as const;

export const DEPLOYMENT_TABLE_KEY_ATTRIBUTES = ['pk', 'listPk', 'listSk', 'decisionId'] as const;

export const DEPLOYMENT_KEY_PREFIX = 'DEPLOYMENT#';
export const DEPLOYMENT_LIST_PARTITION = 'DEPLOYMENTS';
