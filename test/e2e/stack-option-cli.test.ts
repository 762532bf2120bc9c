/**
 * `--stack` before any AWS call answers: a caller without credentials or region is told in one line what
 * to set (exit 2), and nothing is read or written. No network is used: the SDK's credential chain is given
 * an empty home directory and no instance metadata. The stack itself is reached in
 * test/integration/cli-stack.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, userEnv } from '../support/cli.ts';

const home = mkdtempSync(join(tmpdir(), 'verdict-e2e-stack-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** A shell with no AWS configuration at all. */
function noAws(): NodeJS.ProcessEnv {
  const env = userEnv({ allVerdict: true });
  for (const key of Object.keys(env)) if (key.startsWith('AWS_')) delete env[key];
  return { ...env, HOME: home, AWS_EC2_METADATA_DISABLED: 'true' };
}

describe('--stack without an AWS configuration', () => {
  it.each([
    [
      ['decisions', 'list', '--stack', 'Verdict-prod', '--region', 'eu-west-1'],
      'verdict: no AWS credentials to read stack Verdict-prod: pass --profile, or sign in (aws sso login, or set AWS_PROFILE)\n',
    ],
    [
      ['exception', 'list', '--model', 'cv-ranker', '--stack', 'Verdict-prod'],
      'verdict: no AWS region: pass --region, or set AWS_REGION or a region in your AWS profile\n',
    ],
    [
      ['ledger', 'export', '--out', join(home, 'out'), '--profile', 'audit'],
      'verdict: --profile goes with --stack\n',
    ],
    [
      ['ledger', 'prove', '--index', '0', '--stack', 'Verdict-prod', '--origin', 'verdict.local/ledger'],
      "verdict: --origin names a local log: a stack's log is named by its LedgerOrigin output\n",
    ],
    [
      ['deployments', 'list', '--stack', 'Verdict-prod'],
      'verdict: no AWS region: pass --region, or set AWS_REGION or a region in your AWS profile\n',
    ],
    [
      [
        'deploy',
        '--model-package',
        'arn:x',
        '--target',
        'sagemaker:e',
        '--env',
        'dev',
        '--stack',
        'Verdict-prod',
        '--region',
        'eu-west-1',
      ],
      'verdict: no AWS credentials to read stack Verdict-prod: pass --profile, or sign in (aws sso login, or set AWS_PROFILE)\n',
    ],
    [['rollback', 'dep-1', '--timeout', '5'], 'verdict: --timeout goes with --stack\n'],
    [
      ['decisions', 'revoke', 'dec-1', '--reason', 'r', '--stack', 'Verdict-prod'],
      'verdict: no AWS region: pass --region, or set AWS_REGION or a region in your AWS profile\n',
    ],
  ])('%j', async (args, stderr) => {
    const run = await runCli(args, { env: noAws(), cwd: home });
    expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr,
    });
  });
});
