import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  describeDeployedStack,
  parseStackOutputs,
} from '../../../../functions/adapters/aws/cloudformation-stack-outputs.ts';
import { DeployedStackError } from '../../../../functions/adapters/aws/stack-errors.ts';

const OUTPUTS: Record<string, string> = {
  LedgerTableName: 'ledger-table',
  LedgerTilesBucketName: 'tiles',
  LedgerAnchorBucketName: 'anchor',
  LedgerSigningKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/signing',
  LedgerOrigin: 'verdict.aws/123456789012/eu-west-1/prod/ledger',
  DecisionsTableName: 'decisions',
  EventBusName: 'verdict-prod',
  ReportJobsTableName: 'jobs',
  ReportsBucketName: 'reports',
  AuditorApiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com',
};
const outputs = (values: Record<string, string>) =>
  Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));

function problemOf(work: () => unknown): { problem: string; message: string } {
  try {
    work();
  } catch (error) {
    if (error instanceof DeployedStackError) return { problem: error.problem, message: error.message };
    throw error;
  }
  throw new Error('no error');
}

describe('parseStackOutputs', () => {
  it("describes a stack from Verdict's outputs", () => {
    const stack = parseStackOutputs('Verdict-prod', 'eu-west-1', [
      ...outputs(OUTPUTS),
      ...outputs({
        SubjectKeysTableName: 'subject-keys',
        SubjectKeysKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/subjects',
        LedgerCheckpointRetentionDays: '3650',
        ObjectLockMode: 'COMPLIANCE',
        ModelPackageGroupPrefix: 'team-',
        DeploymentsTableName: 'deployments',
        UnrelatedOutput: 'x',
      }),
    ]);
    expect(stack).toEqual({
      stackName: 'Verdict-prod',
      region: 'eu-west-1',
      ledger: {
        table: 'ledger-table',
        tilesBucket: 'tiles',
        anchorBucket: 'anchor',
        signingKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/signing',
        origin: 'verdict.aws/123456789012/eu-west-1/prod/ledger',
        checkpointRetentionDays: 3650,
        objectLockMode: 'COMPLIANCE',
      },
      subjectKeys: { table: 'subject-keys', keyArn: 'arn:aws:kms:eu-west-1:123456789012:key/subjects' },
      decisionsTable: 'decisions',
      eventBusName: 'verdict-prod',
      reports: { jobsTable: 'jobs', bucket: 'reports' },
      deploymentsTable: 'deployments',
      auditorApiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com',
      modelPackageGroupPrefix: 'team-',
    });
  });

  it('leaves out what a stack deployed before the newer outputs lacks', () => {
    const stack = parseStackOutputs('Verdict-old', 'eu-west-1', outputs(OUTPUTS));
    expect(stack.subjectKeys).toBeUndefined();
    expect(stack.ledger.checkpointRetentionDays).toBeUndefined();
    expect(stack.modelPackageGroupPrefix).toBeUndefined();
    expect(stack.deploymentsTable).toBeUndefined();
  });

  it('refuses a stack without any of the outputs', () => {
    expect(problemOf(() => parseStackOutputs('Other', 'eu-west-1', outputs({ BucketName: 'b' })))).toEqual({
      problem: 'not-verdict',
      message:
        "stack Other in eu-west-1 has none of Verdict's outputs (LedgerTableName, DecisionsTableName, ...): is it a Verdict stack?",
    });
  });

  it('names the outputs a stack lacks', () => {
    const { DecisionsTableName: _d, ReportsBucketName: _r, ...rest } = OUTPUTS;
    expect(problemOf(() => parseStackOutputs('Half', 'eu-west-1', outputs(rest))).message).toBe(
      'stack Half in eu-west-1 lacks the outputs DecisionsTableName, ReportsBucketName: deploy the current Verdict stack',
    );
  });

  it('refuses outputs of the wrong form', () => {
    const { problem, message } = problemOf(() =>
      parseStackOutputs('Bad', 'eu-west-1', outputs({ ...OUTPUTS, ObjectLockMode: 'SOMETIMES' })),
    );
    expect(problem).toBe('not-verdict');
    expect(message).toMatch(/^stack Bad in eu-west-1 has outputs Verdict cannot use: ledger\.objectLockMode/);
  });
});

// Error paths only: DescribeStacks is answered by a hand-written mock (the emulator is used in
// test/integration/cli-stack.test.ts).
describe('describeDeployedStack', () => {
  const cloudformation = mockClient(CloudFormationClient);
  afterEach(() => cloudformation.reset());
  const client = () =>
    new CloudFormationClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });

  it('says which stack is not found, and where', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' }));
    await expect(describeDeployedStack(client(), 'Nope')).rejects.toThrow(
      'no stack Nope in eu-west-1 (check --stack and --region)',
    );
  });

  it('says that credentials are missing', async () => {
    cloudformation.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    await expect(describeDeployedStack(client(), 'Verdict')).rejects.toThrow(
      'no AWS credentials to read stack Verdict: pass --profile, or sign in (aws sso login, or set AWS_PROFILE)',
    );
  });
});
