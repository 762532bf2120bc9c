/**
 * The description of a deployed Verdict stack (contracts/deployed-stack.ts) from its CloudFormation outputs:
 * one DescribeStacks with the caller's own credentials. A missing stack, a stack without Verdict's outputs,
 * and missing credentials or region are DeployedStackError, each a sentence naming what to fix.
 */
import {
  type CloudFormationClient,
  DescribeStacksCommand,
  type Output,
} from '@aws-sdk/client-cloudformation';
import {
  type DeployedStack,
  deployedStackSchema,
  REQUIRED_STACK_OUTPUTS,
  type StackOutputKey,
} from '../../contracts/deployed-stack.ts';
import { DeployedStackError } from './stack-errors.ts';

/** Reads the stack's outputs; `region` is the client's, named in the description. */
export async function describeDeployedStack(
  client: CloudFormationClient,
  stackName: string,
): Promise<DeployedStack> {
  const region = await regionOf(client);
  let outputs: Output[];
  try {
    const out = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = out.Stacks?.[0]?.Outputs ?? [];
  } catch (error) {
    throw describeFailure(error, stackName, region);
  }
  return parseStackOutputs(stackName, region, outputs);
}

async function regionOf(client: CloudFormationClient): Promise<string> {
  try {
    return await client.config.region();
  } catch (error) {
    throw new DeployedStackError(
      'no-region',
      'no AWS region: pass --region, or set AWS_REGION or a region in your AWS profile',
      { cause: error },
    );
  }
}

function describeFailure(error: unknown, stackName: string, region: string): Error {
  const { name, message } = error as Error;
  if (name === 'ValidationError' && /does not exist/.test(message))
    return new DeployedStackError(
      'not-found',
      `no stack ${stackName} in ${region} (check --stack and --region)`,
      {
        cause: error,
      },
    );
  if (name === 'CredentialsProviderError' || /credential/i.test(message))
    return new DeployedStackError(
      'no-credentials',
      `no AWS credentials to read stack ${stackName}: pass --profile, or sign in (aws sso login, or set AWS_PROFILE)`,
      { cause: error },
    );
  return error as Error;
}

/** The stack's description from its outputs; DeployedStackError naming the Verdict outputs it lacks. */
export function parseStackOutputs(
  stackName: string,
  region: string,
  outputs: readonly Pick<Output, 'OutputKey' | 'OutputValue'>[],
): DeployedStack {
  const value = new Map<string, string>();
  for (const { OutputKey, OutputValue } of outputs)
    if (OutputKey && OutputValue !== undefined) value.set(OutputKey, OutputValue);
  const missing = REQUIRED_STACK_OUTPUTS.filter((key) => !value.get(key)?.trim());
  if (missing.length === REQUIRED_STACK_OUTPUTS.length)
    throw new DeployedStackError(
      'not-verdict',
      `stack ${stackName} in ${region} has none of Verdict's outputs (LedgerTableName, DecisionsTableName, ...): is it a Verdict stack?`,
    );
  if (missing.length > 0)
    throw new DeployedStackError(
      'not-verdict',
      `stack ${stackName} in ${region} lacks the outputs ${missing.join(', ')}: deploy the current Verdict stack`,
    );
  const get = (key: StackOutputKey) => value.get(key);
  const optional = <T>(key: StackOutputKey, make: (v: string) => T): T | undefined => {
    const v = get(key);
    return v === undefined ? undefined : make(v);
  };
  const subjectKeysTable = get('SubjectKeysTableName');
  const subjectKeysKey = get('SubjectKeysKeyArn');
  const parsed = deployedStackSchema.safeParse({
    stackName,
    region,
    ledger: {
      table: get('LedgerTableName'),
      tilesBucket: get('LedgerTilesBucketName'),
      anchorBucket: get('LedgerAnchorBucketName'),
      signingKeyArn: get('LedgerSigningKeyArn'),
      origin: get('LedgerOrigin'),
      checkpointRetentionDays: optional('LedgerCheckpointRetentionDays', (v) => v),
      objectLockMode: optional('ObjectLockMode', (v) => v),
    },
    ...(subjectKeysTable &&
      subjectKeysKey && { subjectKeys: { table: subjectKeysTable, keyArn: subjectKeysKey } }),
    decisionsTable: get('DecisionsTableName'),
    eventBusName: get('EventBusName'),
    reports: { jobsTable: get('ReportJobsTableName'), bucket: get('ReportsBucketName') },
    deploymentsTable: get('DeploymentsTableName'),
    auditorApiUrl: get('AuditorApiUrl'),
    auditorApiJwtUrl: get('AuditorApiJwtUrl'),
    modelPackageGroupPrefix: get('ModelPackageGroupPrefix'),
  });
  if (!parsed.success)
    throw new DeployedStackError(
      'not-verdict',
      `stack ${stackName} in ${region} has outputs Verdict cannot use: ${parsed.error.issues
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ')}`,
    );
  return parsed.data;
}
