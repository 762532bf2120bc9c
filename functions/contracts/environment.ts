/**
 * The deployment environments a gate evaluates for: each has an entry in the policies' modes
 * (policies/verdict/config/modes/data.json), and a stack is deployed as one of them.
 */
export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** S3 Object Lock modes: COMPLIANCE (nobody can shorten or lift it) or GOVERNANCE (a permitted role can). */
export const OBJECT_LOCK_MODES = ['COMPLIANCE', 'GOVERNANCE'] as const;
export type ObjectLockMode = (typeof OBJECT_LOCK_MODES)[number];
