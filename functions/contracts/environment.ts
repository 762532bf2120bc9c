/**
 * The deployment environments a gate evaluates for: each has an entry in the policies' modes
 * (policies/verdict/config/modes/data.json), and a stack is deployed as one of them.
 */
export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
