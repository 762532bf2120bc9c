/** One OPA entrypoint per gate; the policy build compiles all of them into one WebAssembly bundle. */
export const GATE_ENTRYPOINTS = {
  model_registry: 'verdict/gates/model_registry/decision',
} as const;

export type GateName = keyof typeof GATE_ENTRYPOINTS;
