/**
 * The generated parts of docs/operating.md: the resources the stack creates (counted by type from the
 * synthesised template) and every `verdict:*` setting with its default per environment (from infra/config.ts).
 * `npx tsx scripts/render-operating-doc.ts` rewrites them; test/infra/operating-doc.test.ts fails when the
 * page is out of date.
 */
import { CONTEXT_KEYS, ENVIRONMENTS, parseConfig, type VerdictEnvironment } from '../infra/config.ts';

type ConfigKey = keyof typeof CONTEXT_KEYS;

/** What each resource type is for. A type the stack gains without an entry here fails the docs test. */
export const RESOURCE_PURPOSES: Readonly<Record<string, string>> = {
  'AWS::ApiGatewayV2::Api': 'auditor API (HTTP API, IAM-authorised; a second one with a JWT issuer)',
  'AWS::ApiGatewayV2::Integration': 'API to Lambda integration',
  'AWS::ApiGatewayV2::Route': 'API routes',
  'AWS::ApiGatewayV2::Stage': 'API stage with access logs and throttling',
  'AWS::ApiGatewayV2::Authorizer': 'JWT authoriser',
  'AWS::CloudWatch::Alarm': 'errors, throttles, failed deliveries, dead letters, decision tampering',
  'AWS::DynamoDB::Table':
    'decisions, idempotency, report jobs, deployments, ledger, subject keys (on demand, KMS, point-in-time recovery)',
  'AWS::Events::EventBus': 'the `verdict-<environment>` bus for `Verdict Decision` and deployment events',
  'AWS::Events::Rule':
    'SageMaker model package events to the gate; report requests to the report worker; deployment events, allowed model-registry decisions (promotion) and SageMaker endpoint events to the deployment orchestrator',
  'AWS::IAM::ManagedPolicy':
    "the deployment orchestrator's SageMaker and bake schedule grants; the approval guard (with `verdict:approvalGuard=true`) and the deployment guard (with `verdict:enforceSageMakerDeployments=true`)",
  'AWS::IAM::Policy': 'least-privilege inline policies of the function and pipe roles',
  'AWS::IAM::Role':
    'one per function, the tamper-watch pipe, the bake scheduler, the SageMaker execution role (unless `verdict:sagemakerExecutionRoleArn`)',
  'AWS::KMS::Alias': 'aliases `alias/verdict/<environment>[/...]`',
  'AWS::KMS::Key':
    'the Verdict key (symmetric), the subject keys key (symmetric), the ledger and report signing keys (Ed25519)',
  'AWS::Lambda::EventInvokeConfig': 'asynchronous invocation: retries and failure destination',
  'AWS::Lambda::Function': 'model registry gate, report worker, deployment orchestrator, auditor API',
  'AWS::Lambda::Permission': 'API Gateway (one per route) and each rule may invoke their functions',
  'AWS::Logs::LogGroup': 'function, API access and pipe logs (KMS, one year)',
  'AWS::Pipes::Pipe': 'decisions table stream to the tamper queue',
  'AWS::Scheduler::ScheduleGroup':
    "`verdict-<environment>-bakes`: the one-shot schedules that end deployments' bakes",
  'AWS::S3::Bucket':
    'governance, reports (Object Lock), ledger tiles, ledger anchor (Object Lock), access logs',
  'AWS::S3::BucketPolicy': 'TLS only, write-once (`If-None-Match`), no deletes with `verdict:retainData`',
  'AWS::SNS::Topic': 'alarm notifications (KMS)',
  'AWS::SNS::TopicPolicy': 'CloudWatch may publish alarms; TLS only',
  'AWS::SQS::Queue': 'dead-letter queues (KMS, 14 days) and the tamper queue',
  'AWS::SQS::QueuePolicy': 'EventBridge may send dead letters; TLS only',
};

/** Resources by type in a synthesised template, without CDK's own metadata. */
export function countResourceTypes(template: {
  Resources?: Record<string, { Type: string }>;
}): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { Type } of Object.values(template.Resources ?? {})) {
    if (Type === 'AWS::CDK::Metadata') continue;
    counts.set(Type, (counts.get(Type) ?? 0) + 1);
  }
  return new Map([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

export function renderResourceTable(counts: Map<string, number>): string {
  const rows = [...counts].map(([type, count]) => {
    const purpose = RESOURCE_PURPOSES[type];
    if (purpose === undefined)
      throw new Error(`scripts/operating-doc.ts: say what ${type} is for in RESOURCE_PURPOSES`);
    return `| \`${type}\` | ${count} | ${purpose} |`;
  });
  return ['| type | count | what |', '|---|---:|---|', ...rows].join('\n');
}

/** One line per setting, for the settings table. A key added to infra/config.ts does not compile until it is here. */
export const SETTING_SUMMARIES: Readonly<Record<ConfigKey, string>> = {
  environment:
    '`dev`, `staging` or `prod`: names the stack, bus, aliases and log groups; picks the defaults marked *',
  evidenceBucketNames: 'existing buckets the gate may read profiles and evidence from',
  evidenceKmsKeyArns: 'KMS key ARNs (not aliases) encrypting those buckets',
  modelPackageGroupPrefix: 'only groups starting with this are governed (IAM and rule pattern); `""`: all',
  retainData:
    '* keep tables, buckets, keys and logs when the stack is deleted (deletion protection, no-delete bucket policies); must be `true` in `prod`',
  apiRoleMap: 'IAM role or user ARN → API role, for SigV4 callers',
  apiJwtIssuer: 'OIDC issuer URL for a second, JWT-authorised API; `""`: none',
  apiJwtAudience: 'client ids the JWT authoriser accepts (required with an issuer)',
  apiJwtGroupsClaim: 'the JWT claim listing groups',
  apiJwtGroupRoles: 'JWT group → API role',
  reportRetentionDays: '* Object Lock retention of each report, in days (1 to 36500)',
  breakGlassRoleArn: 'the only role that may delete, disable or re-policy the signing keys; `""`: nobody',
  reportWorkerConcurrency: 'reserved concurrency of the report worker',
  approvalGuard: 'create the deny-only approval guard managed policy',
  checkpointRetentionDays: '* Object Lock retention of anchored ledger checkpoints, in days (1 to 36500)',
  objectLockMode:
    '* `COMPLIANCE` or `GOVERNANCE`: lock mode of the reports and anchor buckets and every object written there; must be `COMPLIANCE` in `prod`',
  operatorRoleTrust:
    'IAM roles that may assume the operator role `verdict --stack` writes with (exceptions, forget, reports, deployments); `[]`: no operator role',
  sagemakerExecutionRoleArn:
    'the role SageMaker assumes for the models Verdict deploys; `""`: the stack creates one (this account\'s ECR, `modelArtifactLocations`, endpoint logs)',
  modelArtifactLocations:
    "`s3://bucket[/prefix]` locations the stack's SageMaker execution role may read model artifacts from",
  enforceSageMakerDeployments:
    'create the deny-only deployment guard policy: only the orchestrator changes endpoints Verdict governs',
  outOfBandMode:
    '* `alert`, `restore` or `delete`: what an endpoint changed outside Verdict gets when it no longer serves the live deployment',
  eksClusters:
    'EKS clusters GPU workloads are deployed to: `[{"name", "modelServer": {"image" (by digest), "port", "readinessPath"}, "governedNamespaces", "parameters"?, "pollSeconds"?}]`; the orchestrator may describe each and gets an access entry (Kubernetes group `verdict:deployers`)',
  promotions:
    'promotion rules: an approved version of a group a rule names is asked to be deployed to its target (gated like any request); `[]`: none',
};

function shown(value: unknown): string {
  return `\`${JSON.stringify(value)}\``;
}

export function renderSettingsTable(): string {
  const byEnvironment = Object.fromEntries(
    ENVIRONMENTS.map((environment) => [
      environment,
      parseConfig({ [CONTEXT_KEYS.environment]: environment }),
    ]),
  ) as Record<VerdictEnvironment, Record<ConfigKey, unknown>>;
  const rows = (Object.keys(CONTEXT_KEYS) as ConfigKey[]).map((key) => {
    const dev = key === 'environment' ? shown('dev') : shown(byEnvironment.dev[key]);
    const staging = key === 'environment' ? '' : shown(byEnvironment.staging[key]);
    const prod = key === 'environment' ? '' : shown(byEnvironment.prod[key]);
    return `| \`${CONTEXT_KEYS[key]}\` | ${dev} | ${staging} | ${prod} | ${SETTING_SUMMARIES[key]} |`;
  });
  return ['| key | default: dev | staging | prod | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** Replaces the text between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`. */
export function replaceGenerated(page: string, name: string, content: string): string {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const from = page.indexOf(start);
  const to = page.indexOf(end);
  if (from < 0 || to < from) throw new Error(`docs/operating.md: no ${start} ... ${end} block`);
  return `${page.slice(0, from + start.length)}\n${content}\n${page.slice(to)}`;
}
