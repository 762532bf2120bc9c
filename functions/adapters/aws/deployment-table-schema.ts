/**
 * Key schema of the deployments table, shared by the DynamoDB adapter and the stack that creates it. Every
 * key attribute is a string.
 *
 *   pk              listPk        listSk                              decisionId              target
 *   DEPLOYMENT#<id> DEPLOYMENTS   <requestedAt ISO-8601 UTC>#<id>     the approving decision  `deploymentTargetName`
 *                                                                     (absent if none)        (`sagemaker:ENDPOINT`)
 *
 * One item per deployment; `version` (a number) is the compare-and-set guard of every write. The `by-time`
 * index lists deployments in request order; the sparse `by-decision` index lists those of one approving
 * decision (what a revocation takes down); the `by-target` index those on one target (what the orchestration
 * checks before it starts a rollout there). All project ALL and, as every GSI, are eventually consistent:
 * a step re-reads its deployment by key (consistent) before it acts.
 *
 * One more item per target that a rollout holds: pk `TARGET#<target>` and `holder` (the deployment id), with
 * none of the index keys above, so it is in no index and no listing. It is the per-target claim, written and
 * read by key (strongly consistent), that lets one rollout at a time start on a target.
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

export const DEPLOYMENT_TABLE_TARGET_INDEX = {
  indexName: 'by-target',
  partitionKey: 'target',
  sortKey: 'listSk',
  projection: 'ALL',
} as const;

/** Every index of the table: what the stack creates, one GSI each. */
export const DEPLOYMENT_TABLE_INDEXES = [
  DEPLOYMENT_TABLE_TIME_INDEX,
  DEPLOYMENT_TABLE_DECISION_INDEX,
  DEPLOYMENT_TABLE_TARGET_INDEX,
] as const;

/** Every attribute named above, for `AttributeDefinitions`: all strings. */
export const DEPLOYMENT_TABLE_KEY_ATTRIBUTES = ['pk', 'listPk', 'listSk', 'decisionId', 'target'] as const;

export const DEPLOYMENT_KEY_PREFIX = 'DEPLOYMENT#';
export const DEPLOYMENT_LIST_PARTITION = 'DEPLOYMENTS';
export const TARGET_CLAIM_KEY_PREFIX = 'TARGET#';
