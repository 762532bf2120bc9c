/**
 * `verdict deployments alarm --name ALARM` as a user runs it on a data directory: the alarm's CloudWatch
 * state change goes on the local bus, the promoted deployment naming it is re-gated and rolled back (an error
 * rate alarm), the monitoring decision is recorded; an alarm no deployment names changes nothing; a bad name
 * is one line, exit 2.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../functions/contracts/deployment.ts';
import { runCli } from '../support/cli.ts';
import {
  CREDIT_SCORER_ARN,
  governedArgs,
  OVERSIGHT,
  putOversightDocument,
  registerArgs,
} from '../support/deployment-cli-args.ts';

const ARN = `${CREDIT_SCORER_ARN}/1`;
const ALARM = 'credit-scorer-5xx';

const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-alarm-'));
const dataDir = join(work, 'data');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cli = (args: string[]) => runCli([...args, '--data-dir', dataDir], { cwd: work });

describe('verdict deployments alarm', () => {
  let deploymentId = '';

  beforeAll(async () => {
    const modelData = join(work, 'model.tar.gz');
    writeFileSync(modelData, 'model weights\n');
    const registered = await cli(registerArgs(modelData));
    expect(registered.code, registered.stderr).toBe(0);
    putOversightDocument(dataDir);
    const deployed = await cli([
      'deploy',
      '--model-package',
      ARN,
      '--target',
      'sagemaker:credit-scorer-prod',
      ...governedArgs(ALARM),
      ...OVERSIGHT,
    ]);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stdout).toMatch(/^Deployment \S+: PROMOTED\n/);
    deploymentId = /^Deployment (\S+): /.exec(deployed.stdout)?.[1] ?? '';
  }, 60_000);

  it('changes nothing for an alarm no live deployment names', async () => {
    const run = await cli(['deployments', 'alarm', '--name', 'another-team-latency']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('no live deployment names alarm another-team-latency\n');
  });

  it('rolls the promoted deployment back on its error-rate alarm and records the monitoring decision', async () => {
    const run = await cli(['deployments', 'alarm', '--name', ALARM, '--reason', '5xx above 1 %']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^${deploymentId} {2}rollback: ROLLED-BACK {2}\\(monitoring decision (\\S+)\\)\\n`),
    );
    expect(run.stdout).toContain(
      `  - monitoring.service_degraded: Alarm ${ALARM} (error_rate) fired on promoted deployment ${deploymentId}. (`,
    );
    const decisionId = /\(monitoring decision (\S+)\)/.exec(run.stdout)?.[1] ?? '';

    const shown = await cli(['deployments', 'show', deploymentId, '--format', 'json']);
    const deployment = JSON.parse(shown.stdout) as Deployment;
    expect(deployment.status).toBe('rolled-back');
    expect(deployment.history.at(-1)?.detail).toContain(`alarm ${ALARM} fired: monitoring.service_degraded`);
    const decision = await cli(['decisions', 'show', decisionId, '--format', 'json']);
    expect(decision.code, decision.stderr).toBe(0);
    expect(JSON.parse(decision.stdout)).toMatchObject({
      gate: 'monitoring',
      decision: 'deny',
      trigger: { source: 'aws.cloudwatch', detailType: 'CloudWatch Alarm State Change' },
    });

    const again = await cli(['deployments', 'alarm', '--name', ALARM]);
    expect(again.stdout).toBe(`no live deployment names alarm ${ALARM}\n`);
  });

  it('refuses an alarm name CloudWatch would not take: one line, exit 2', async () => {
    const run = await cli(['deployments', 'alarm', '--name', 'x'.repeat(256)]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/--name: expected an alarm name of 1 to 255 characters/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
