/**
 * The layering of README "How it works": which folder may import which. `npm run lint` runs it.
 * Handlers (`handler.ts`) are composition roots: they wire adapters into capabilities, so the rules that
 * keep capabilities free of adapters and of the AWS SDK do not apply to them.
 */
const CAPABILITIES = '^functions/(gates|events|ledger|reports|deployments)/';
const HANDLER = '(^|/)handler\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'contracts-import-only-zod',
      comment: 'Contracts are zod schemas: they import zod, the EventBridge envelope schema and each other.',
      severity: 'error',
      from: { path: '^functions/contracts/' },
      to: {
        pathNot: [
          '^functions/contracts/',
          '^zod$',
          '(^|/)node_modules/zod/',
          '^@aws-lambda-powertools/parser/schemas/eventbridge$',
          '(^|/)node_modules/@aws-lambda-powertools/parser/.*schemas/',
        ],
      },
    },
    {
      name: 'ports-import-contracts',
      comment:
        'A port names what a capability needs in contract types; it never imports a capability or adapter.',
      severity: 'error',
      from: { path: '^functions/(ports|ledger/ports)/' },
      to: { path: '^functions/(gates|events|reports|api|adapters|local)/' },
    },
    {
      name: 'shared-is-shared',
      comment: 'shared/ is below every capability.',
      severity: 'error',
      from: { path: '^functions/shared/' },
      to: { path: '^functions/(gates|events|ledger|reports|api|adapters|local|ports)/' },
    },
    {
      name: 'ledger-imports-no-capability',
      comment: 'The ledger is a foundation: it knows contracts and ports, never a gate, a report or the API.',
      severity: 'error',
      from: { path: '^functions/ledger/' },
      to: { path: '^functions/(gates|events|reports|api|adapters|local)/' },
    },
    {
      name: 'capabilities-import-no-adapter',
      comment: 'Domain code reaches the world through ports; only handlers wire adapters in.',
      severity: 'error',
      from: {
        path: CAPABILITIES,
        pathNot: [HANDLER, '^functions/(reports/aws-report-worker|deployments/aws-orchestrator)\\.ts$'],
      },
      to: { path: '^functions/(adapters|local|api)/' },
    },
    {
      name: 'aws-sdk-only-in-adapters-and-handlers',
      comment: 'The AWS SDK is an adapter concern.',
      severity: 'error',
      from: {
        path: '^functions/',
        pathNot: ['^functions/adapters/aws/', HANDLER, '^functions/local/cli/'],
      },
      to: { path: ['^@aws-sdk/', '(^|/)node_modules/@aws-sdk/'] },
    },
    {
      name: 'infra-loads-no-runtime',
      comment:
        'cdk synth reads the route table, contracts, environment modules and declared tables; never a handler, adapter or runtime library (test/infra/synth-imports.test.ts checks the full graph).',
      severity: 'error',
      from: { path: '^infra/' },
      to: {
        path: '^functions/',
        pathNot: [
          '^functions/contracts/',
          '^functions/routes\\.ts$',
          '(^|/)environment\\.ts$',
          '^functions/api/route-table\\.ts$',
          '^functions/api/auth/aws-identity\\.ts$',
          '^functions/adapters/aws/(decision-table-schema|deployment-table-schema|kms-usage|ledger/table-schema)\\.ts$',
          '^functions/reports/formats/pdf-bundling\\.ts$',
          '^functions/shared/(validation|hashing|canonical-json)\\.ts$',
        ],
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^functions/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    exclude: { path: '^(test|bench|scripts|node_modules|build|cdk\\.out)/' },
  },
};
