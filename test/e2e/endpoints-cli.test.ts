/**
 * `verdict endpoints` as a user runs it on a data directory: an endpoint Verdict deployed is changed outside
 * Verdict (`endpoints update`, `endpoints delete`), CloudTrail's record of the call reaches the orchestrator
 * through the local bus, and the endpoint is restored, left alone with an alert, or recreated, per mode. Bad
 * input is one line, exit 2, and changes nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, userEnv } from '../support/cli.ts';
import {
  CREDIT_SCORER_ARN,
  governedArgs,
  OVERSIGHT,
  putOversightDocument,
  registerArgs,
} from '../support/deployment-cli-args.ts';

const EXIT = { ok: 0, badInput: 2 } as const;
const ARN = CREDIT_SCORER_ARN;
const FOREIGN = `${ARN}/9`;
const OPERATOR = 'arn:aws:iam::000000000000:role/local-operator';
const PROD = ['--target', 'sagemaker:credit-scorer-prod', ...governedArgs(), ...OVERSIGHT];

const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-endpoints-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const dataDir = join(work, 'data');
const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli([...args, '--data-dir', dataDir], { cwd: work, env: { ...userEnv(), ...env } });

let deploymentId = '';

beforeAll(async () => {
  const modelData = join(work, 'model-1.tar.gz');
  writeFileSync(modelData, 'model weights of version 1\n');
  const registered = await cli(registerArgs(modelData));
  expect(registered.code, registered.stderr).toBe(EXIT.ok);
  putOversightDocument(dataDir);
  const deployed = await cli(['deploy', '--model-package', `${ARN}/1`, ...PROD]);
  expect(deployed.code, deployed.stdout + deployed.stderr).toBe(EXIT.ok);
  deploymentId = /^Deployment (\S+): PROMOTED/.exec(deployed.stdout)?.[1] ?? '';
  expect(deploymentId).not.toBe('');
}, 60_000);

describe('verdict endpoints', () => {
  it('restore: the orchestrator detects the change and puts the promoted deployment back', async () => {
    const run = await cli([
      'endpoints',
      'update',
      'credit-scorer-prod',
      '--model-package',
      FOREIGN,
      '--mode',
      'restore',
    ]);
    expect(run.code, run.stderr).toBe(EXIT.ok);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^changed credit-scorer-prod to serve \S+\/9 \(config manual-[0-9a-f]{8}\), outside Verdict$/,
    );
    expect(lines[1]).toBe('out-of-band mode restore');
    expect(lines[2]).toMatch(/^detected {2}config-only: CreateEndpointConfig by /);
    expect(lines[3]).toContain(`remediated: UpdateEndpoint by ${OPERATOR} (CloudTrail `);
    expect(lines[3]).toContain(
      `serves ${FOREIGN}, which no live deployment put there; restored deployment ${deploymentId} (InService)`,
    );
    expect(lines[4]).toBe(`now       credit-scorer-prod  InService  serves ${ARN}/1`);
  });

  it('alert (from VERDICT_OUT_OF_BAND_MODE): records and leaves the endpoint as changed', async () => {
    const run = await cli(['endpoints', 'update', 'credit-scorer-prod', '--model-package', FOREIGN], {
      VERDICT_OUT_OF_BAND_MODE: 'alert',
    });
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.stdout).toContain('alerted (mode alert)');
    expect(run.stdout).toContain(`now       credit-scorer-prod  InService  serves ${FOREIGN}\n`);
  });

  it('restore after a deletion: the governed endpoint is recreated with its deployment', async () => {
    const run = await cli([
      'endpoints',
      'delete',
      'credit-scorer-prod',
      '--mode',
      'restore',
      '--format',
      'json',
    ]);
    expect(run.code, run.stderr).toBe(EXIT.ok);
    const result = JSON.parse(run.stdout);
    expect(result.outcomes).toEqual([
      expect.objectContaining({ step: 'out-of-band', finding: 'remediated' }),
    ]);
    expect(result.endpoint).toEqual({ name: 'credit-scorer-prod', status: 'InService', serving: `${ARN}/1` });
  });

  it('refuses bad input with one line, exit 2, and changes nothing', async () => {
    const before = await cli(['endpoints', 'list', '--format', 'json']);
    const badName = await cli(['endpoints', 'update', 'credit_scorer', '--model-package', FOREIGN]);
    expect(badName.code).toBe(EXIT.badInput);
    expect(badName.stderr).toContain(
      'credit_scorer: expected a SageMaker endpoint name (letters, digits, inner hyphens, at most 63)',
    );
    const badArn = await cli(['endpoints', 'update', 'credit-scorer-prod', '--model-package', 'model-9']);
    expect(badArn.code).toBe(EXIT.badInput);
    expect(badArn.stderr).toContain('--model-package: expected a versioned SageMaker model-package ARN');
    const badMode = await cli(['endpoints', 'update', 'credit-scorer-prod', '--model-package', FOREIGN], {
      VERDICT_OUT_OF_BAND_MODE: 'ignore',
    });
    expect(badMode.code).toBe(EXIT.badInput);
    expect(badMode.stderr).toContain(
      'VERDICT_OUT_OF_BAND_MODE: expected one of alert, restore, delete (got "ignore")',
    );
    const unknown = await cli(['endpoints', 'delete', 'nowhere']);
    expect(unknown.code).toBe(EXIT.badInput);
    expect(unknown.stderr).toContain('no endpoint nowhere');
    expect((await cli(['endpoints', 'list', '--format', 'json'])).stdout).toBe(before.stdout);
  });
});
