/**
 * The commands, each loaded only when it runs: `verdict gate` loads the gate and its policy engine, not the
 * report renderers or the AWS SDK, and `verdict --help` loads none of them.
 */
import type { Command } from 'commander';
import type { CommandName } from './command-summaries.ts';

export const COMMANDS: Record<CommandName, (program: Command) => Promise<void>> = {
  bias: async (program) => (await import('./bias-command.ts')).registerBiasCommand(program),
  check: async (program) => (await import('./check-command.ts')).registerCheckCommand(program),
  classify: async (program) => (await import('./classify-command.ts')).registerClassifyCommand(program),
  cluster: async (program) => (await import('./cluster-command.ts')).registerClusterCommand(program),
  dataset: async (program) => (await import('./dataset-command.ts')).registerDatasetCommand(program),
  decisions: async (program) => (await import('./decisions-command.ts')).registerDecisionsCommand(program),
  deploy: async (program) => (await import('./deploy-command.ts')).registerDeployCommand(program),
  deployments: async (program) =>
    (await import('./deployments-command.ts')).registerDeploymentsCommand(program),
  demo: async (program) => (await import('./demo-command.ts')).registerDemoCommand(program),
  endpoints: async (program) => (await import('./endpoints-command.ts')).registerEndpointsCommand(program),
  dlq: async (program) => (await import('./dlq-command.ts')).registerDlqCommand(program),
  erasure: async (program) => (await import('./erasure-command.ts')).registerErasureCommand(program),
  exception: async (program) => (await import('./exception-command.ts')).registerExceptionCommand(program),
  explain: async (program) => (await import('./explain-command.ts')).registerExplainCommand(program),
  forget: async (program) => (await import('./forget-command.ts')).registerForgetCommand(program),
  gate: async (program) => (await import('./gate-command.ts')).registerGateCommand(program),
  ledger: async (program) => (await import('./ledger-command.ts')).registerLedgerCommand(program),
  profile: async (program) => (await import('./profile-command.ts')).registerProfileCommand(program),
  registry: async (program) => (await import('./registry-command.ts')).registerRegistryCommand(program),
  rollback: async (program) => (await import('./deployments-command.ts')).registerRollbackCommand(program),
  report: async (program) => (await import('./report-command.ts')).registerReportCommand(program),
  'scan-pii': async (program) => (await import('./scan-pii-command.ts')).registerScanPiiCommand(program),
  serve: async (program) => (await import('./serve-command.ts')).registerServeCommand(program),
  token: async (program) => (await import('./token-command.ts')).registerTokenCommand(program),
};
