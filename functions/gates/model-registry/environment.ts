/** The model-registry gate's Lambda environment, set by the CDK stack (infra/function-table.ts). */
import { z } from 'zod';
import {
  type LedgerVariables,
  parseEnvironment,
  powertoolsSchema,
  type VariablesOf,
  verdictSchema,
} from '../../shared/environment.ts';

const modelRegistryGateSchema = z.object({
  ...verdictSchema.shape,
  ...powertoolsSchema.shape,
  VERDICT_IDEMPOTENCY_TABLE: z.string().min(1),
  VERDICT_EVENT_BUS_NAME: z.string().min(1),
  /** The OPA bundle inside the package. */
  VERDICT_POLICY_BUNDLE: z.string().min(1),
  /** SHA-256 of that bundle; "" (no bundle at synth) makes every gate deny with gate.bundle_untrusted. */
  VERDICT_POLICY_BUNDLE_SHA256: z.string().optional(),
});

export type ModelRegistryGateEnvironment = z.output<typeof modelRegistryGateSchema>;
/** What the stack sets: these and the ledger's variables (read when the ledger opens). */
export type ModelRegistryGateVariables = VariablesOf<typeof modelRegistryGateSchema> & LedgerVariables;

export function readModelRegistryGateEnvironment(env: NodeJS.ProcessEnv = process.env) {
  return parseEnvironment(modelRegistryGateSchema, env);
}
