/** The deployment orchestrator's Lambda environment, set by the CDK stack (infra/function-table.ts). */
import { z } from 'zod';
import { OUT_OF_BAND_MODES } from '../contracts/deployment-events.ts';
import { eksClustersSchema } from '../contracts/eks-cluster.ts';
import { promotionRulesSchema } from '../contracts/promotion-rule.ts';
import {
  jsonVariable,
  type LedgerVariables,
  parseEnvironment,
  powertoolsSchema,
  type VariablesOf,
  verdictSchema,
} from '../shared/environment.ts';

const arn = z.string().regex(/^arn:aws[a-z-]*:/, 'expected an ARN');

const deploymentOrchestratorSchema = z.object({
  ...verdictSchema.shape,
  ...powertoolsSchema.shape,
  VERDICT_DEPLOYMENTS_TABLE: z.string().min(1),
  VERDICT_EVENT_BUS_NAME: z.string().min(1),
  /** The bus the bake schedules put `Verdict Deployment Bake Ended` on. */
  VERDICT_EVENT_BUS_ARN: arn,
  /** The OPA bundle inside the package. */
  VERDICT_POLICY_BUNDLE: z.string().min(1),
  /** SHA-256 of that bundle; "" (no bundle at synth) makes every deployment gate deny with gate.bundle_untrusted. */
  VERDICT_POLICY_BUNDLE_SHA256: z.string().optional(),
  /** The role SageMaker assumes to run the approved models (passed on CreateModel). */
  VERDICT_SAGEMAKER_EXECUTION_ROLE_ARN: arn,
  /** The EventBridge Scheduler group the one-shot bake schedules are created in. */
  VERDICT_BAKE_SCHEDULE_GROUP: z.string().min(1),
  /** The role EventBridge Scheduler assumes to put the bake's end on the bus. */
  VERDICT_BAKE_SCHEDULER_ROLE_ARN: arn,
  /** The function's own execution role: SageMaker calls made with it are the orchestration's, not out of band. */
  VERDICT_ORCHESTRATOR_ROLE_ARN: arn,
  /** What an endpoint changed out of band gets when it no longer serves the live deployment. */
  VERDICT_OUT_OF_BAND_MODE: z.enum(OUT_OF_BAND_MODES),
  /** The EKS clusters GPU workloads are deployed to, as JSON (see contracts/eks-cluster.ts); none by default. */
  VERDICT_EKS_CLUSTERS: jsonVariable(eksClustersSchema, 'a list of EKS clusters').default([]),
  /** Which allowed model versions are asked to be deployed, and where (none by default). */
  VERDICT_PROMOTIONS: jsonVariable(promotionRulesSchema, 'a list of promotion rules').default([]),
});

export type DeploymentOrchestratorEnvironment = z.output<typeof deploymentOrchestratorSchema>;
/** What the stack sets: these and the ledger's variables (read when the ledger opens). */
export type DeploymentOrchestratorVariables = VariablesOf<typeof deploymentOrchestratorSchema> &
  LedgerVariables;

export function readDeploymentOrchestratorEnvironment(env: NodeJS.ProcessEnv = process.env) {
  return parseEnvironment(deploymentOrchestratorSchema, env);
}
