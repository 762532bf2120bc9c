/** One OPA entrypoint per gate; the policy build compiles all of them into one WebAssembly bundle. */
export const GATE_ENTRYPOINTS = {
  model_registry: 'verdict/gates/model_registry/decision',
  deployment: 'verdict/gates/deployment/decision',
  monitoring: 'verdict/gates/monitoring/decision',
  /** Decides for the deployment gate on a governed endpoint changed outside Verdict. */
  out_of_band: 'verdict/gates/out_of_band/decision',
  /** Decides whether a registered dataset version may be used for training. */
  data: 'verdict/gates/data/decision',
} as const;

export type GateName = keyof typeof GATE_ENTRYPOINTS;

/** Entrypoints that decide nothing: they answer a question (`verdict classify`). */
export const QUERY_ENTRYPOINTS = {
  classify: 'verdict/classify/classification',
} as const;

/** Every entrypoint the policy build compiles into the bundle. */
export const POLICY_ENTRYPOINTS = { ...GATE_ENTRYPOINTS, ...QUERY_ENTRYPOINTS } as const;
