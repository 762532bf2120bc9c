/**
 * Promotion rules as a user sets them on a data directory (`promotions.json`): registering a version the
 * registry gate allows deploys it, gated, to the rule's embedded endpoint; a rejected version deploys
 * nothing; a bad rules file is refused with each problem named, exit 2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FilesystemObjectStore } from '../../functions/adapters/local/filesystem-object-store.ts';
import type { Deployment } from '../../functions/contracts/deployment.ts';
import { ROOT, runCli } from '../support/cli.ts';
import { CREDIT_SCORER_ARN, registerArgs } from '../support/deployment-cli-args.ts';
import { putSampleOversight } from '../support/sample-oversight.ts';

const EXIT = { ok: 0, badInput: 2, deny: 3 } as const;

const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-promotion-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cli = (dataDir: string, args: string[]) => runCli([...args, '--data-dir', dataDir], { cwd: work });

/** The demo's production deployment of the credit scorer as a rule, without a bake. */
function rule() {
  const sample = join(ROOT, 'functions/local/demo/samples/credit-scorer.deployment.json');
  const { target: _target, ...template } = JSON.parse(readFileSync(sample, 'utf8'));
  return {
    name: 'credit-scorer-prod',
    modelPackageGroup: 'retail-credit-*',
    target: 'sagemaker:credit-scorer-prod',
    ...template,
    strategy: { ...template.strategy, bakeSeconds: 0 },
  };
}

/** A data directory with the rules, and the human-oversight document the demo's request names. */
async function dataDirWith(rules: unknown): Promise<string> {
  const dataDir = mkdtempSync(join(work, 'data-'));
  writeFileSync(join(dataDir, 'promotions.json'), JSON.stringify(rules));
  await putSampleOversight(new FilesystemObjectStore(join(dataDir, 'objects')));
  return dataDir;
}

async function deployments(dataDir: string): Promise<Deployment[]> {
  const run = await cli(dataDir, ['deployments', 'list', '--format', 'json']);
  expect(run.code, run.stderr).toBe(EXIT.ok);
  return (JSON.parse(run.stdout) as { deployments: Deployment[] }).deployments;
}

describe('promotion rules on the local backbone', () => {
  it('deploys a version the registry gate allows to the endpoint the rule names', async () => {
    const dataDir = await dataDirWith([rule()]);
    const modelData = join(work, 'model-1.tar.gz');
    writeFileSync(modelData, 'weights 1\n');
    const run = await cli(dataDir, registerArgs(modelData, '1'));
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.stdout).toMatch(/^decision {3}allow \(/m);

    const [deployment, ...others] = await deployments(dataDir);
    expect(others).toEqual([]);
    expect(deployment?.requestId).toMatch(/^promotion:[0-9a-f-]{36}:credit-scorer-prod$/);
    expect(deployment?.request.modelPackageArn).toBe(`${CREDIT_SCORER_ARN}/1`);
    expect(deployment?.decision).toMatchObject({ gate: 'deployment', decision: 'allow' });

    const endpoints = await cli(dataDir, ['endpoints', 'list', '--format', 'json']);
    expect(endpoints.code, endpoints.stderr).toBe(EXIT.ok);
    expect(JSON.parse(endpoints.stdout)).toMatchObject([
      { name: 'credit-scorer-prod', serving: `${CREDIT_SCORER_ARN}/1` },
    ]);
  });

  it('deploys nothing for a rejected version', async () => {
    const dataDir = await dataDirWith([rule()]);
    const modelData = join(work, 'model-2.tar.gz');
    writeFileSync(modelData, 'weights 2\n');
    // Social scoring of citizens: prohibited (Art. 5), whatever the group.
    const prohibited = join(ROOT, 'functions/local/demo/samples/citizen-trust-score.profile.json');
    const args = registerArgs(modelData, '2');
    args[args.indexOf('--profile') + 1] = prohibited;
    const run = await cli(dataDir, args);
    expect(run.stdout).toMatch(/^decision {3}deny \(/m);
    expect(await deployments(dataDir)).toEqual([]);
  });

  it('refuses a bad rules file: each problem, exit 2', async () => {
    const dataDir = await dataDirWith([{ ...rule(), modelPackageGroup: 'retail credit' }]);
    const run = await cli(dataDir, ['deployments', 'list']);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toBe(
      [
        'verdict: invalid input (promotions.invalid)',
        `  - ${join(dataDir, 'promotions.json')}: promotions[0].modelPackageGroup: expected a model package group name, with * or ? as wildcards (1-63 of [a-zA-Z0-9-*?])`,
        '',
      ].join('\n'),
    );
  });
});
