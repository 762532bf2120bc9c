/**
 * `verdict deploy`, `verdict deployments list | show`, `verdict rollback` and `verdict decisions revoke` as a
 * user runs them on a data directory: the deployment gate refuses what the policy forbids and applies
 * nothing; an allowed version creates the endpoint, the next one bakes (waited for, or fired by a later
 * command) and is promoted; an idempotency key names one deployment; a rollback restores what ran before;
 * a revoked approval takes its deployments out of service and is never deployed again; an artifact changed
 * after the registry gate decided on it is refused; bad input is one line, exit 2, and writes nothing.
 */
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../functions/contracts/deployment.ts';
import { localOperator } from '../../functions/local/cli/local-operator.ts';
import { runCli } from '../support/cli.ts';
import {
  CREDIT_SCORER_ARN,
  CREDIT_SCORER_GROUP,
  governedArgs,
  OVERSIGHT,
  putOversightDocument,
  registerArgs,
} from '../support/deployment-cli-args.ts';

const EXIT = { ok: 0, internal: 1, badInput: 2, deny: 3 } as const;
const ARN = CREDIT_SCORER_ARN;
const GOVERNED = governedArgs();
const PROD = ['--target', 'sagemaker:credit-scorer-prod', ...GOVERNED];

const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-deploy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cli = (dataDir: string, args: string[]) => runCli([...args, '--data-dir', dataDir], { cwd: work });

/** Registers the next retail-credit-scorer version with its own model artifact; its registry decision id. */
async function register(dataDir: string, version: number): Promise<string> {
  const modelData = join(work, `model-${version}.tar.gz`);
  writeFileSync(modelData, `model weights of version ${version}\n`);
  const run = await cli(dataDir, registerArgs(modelData, String(version)));
  expect(run.code, run.stderr).toBe(EXIT.ok);
  expect(run.stdout).toContain(`registered ${ARN}/${version}\n`);
  const decisionId = /^decision {3}allow \((\S+)\), approval status Approved$/m.exec(run.stdout)?.[1];
  if (!decisionId) throw new Error(`no allow decision for version ${version}:\n${run.stdout}`);
  return decisionId;
}

async function show(dataDir: string, id: string): Promise<Deployment> {
  const run = await cli(dataDir, ['deployments', 'show', id, '--format', 'json']);
  expect(run.code, run.stderr).toBe(EXIT.ok);
  return JSON.parse(run.stdout) as Deployment;
}

const steps = (deployment: Deployment) => deployment.history.map((h) => h.step);
const idOf = (stdout: string) => /^Deployment (\S+): /.exec(stdout)?.[1] as string;

describe('verdict deploy on the local backbone', () => {
  const dataDir = join(work, 'data');
  const decisions: Record<number, string> = {};
  /** The deployment ids the steps below create, in order. */
  const ids: Record<'refused' | 'first' | 'canary' | 'noWait', string> = {
    refused: '',
    first: '',
    canary: '',
    noWait: '',
  };

  beforeAll(async () => {
    for (const version of [1, 2, 3]) decisions[version] = await register(dataDir, version);
    putOversightDocument(dataDir);
  }, 60_000);

  it('refuses a high-risk deployment without human oversight: exit 3, the rule, and nothing applied', async () => {
    const run = await cli(dataDir, ['deploy', '--model-package', `${ARN}/1`, ...PROD]);
    expect(run.code, run.stderr).toBe(EXIT.deny);
    ids.refused = idOf(run.stdout);
    expect(run.stdout).toMatch(/^Deployment [0-9a-f-]{36}: REFUSED\n/);
    expect(run.stdout).toContain(`  gate decision  ${ids.refused} (deny)\n`);
    expect(run.stdout).toMatch(
      /\nRefused because:\n {2}- deployment\.human_oversight_missing: A high-risk system is deployed without evidence of assigned human oversight\. /,
    );

    const list = await cli(dataDir, ['deployments', 'list']);
    expect(list.code, list.stderr).toBe(EXIT.ok);
    expect(list.stdout).toMatch(
      new RegExp(
        `^${ids.refused} {2}\\S+ {2}REFUSED {7}sagemaker:credit-scorer-prod {2}prod {2}${ARN}/1\\n$`,
      ),
    );
    const refused = await show(dataDir, ids.refused);
    expect(refused).toMatchObject({ status: 'refused', plan: null, applied: null, artifact: null });
    expect(steps(refused)).toEqual(['gate']);
  });

  it('creates the endpoint with the first allowed version: exit 0, promoted at once', async () => {
    const run = await cli(dataDir, ['deploy', '--model-package', `${ARN}/1`, ...PROD, ...OVERSIGHT]);
    expect(run.code, run.stderr).toBe(EXIT.ok);
    ids.first = idOf(run.stdout);
    expect(run.stdout).toMatch(/^Deployment [0-9a-f-]{36}: PROMOTED\n/);
    expect(run.stdout).toContain(`  approval       ${decisions[1]}, artifact sha256:`);
    expect(run.stdout).toMatch(
      / {2}plan {9}applying {5}create: create endpoint credit-scorer-prod, model package \S+\/1, instance type ml\.m5\.xlarge, 1 instance\(s\)\n/,
    );
    const first = await show(dataDir, ids.first);
    expect(first.status).toBe('promoted');
    expect(steps(first)).toEqual(['gate', 'plan', 'apply', 'promoted']);
  });

  it('waits through the bake of a canary update, then promotes it', async () => {
    const run = await cli(dataDir, ['deploy', '--model-package', `${ARN}/2`, ...PROD, ...OVERSIGHT]);
    expect(run.code, run.stderr).toBe(EXIT.ok);
    ids.canary = idOf(run.stdout);
    expect(run.stderr).toMatch(/^baking until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \.\.\.\n$/);
    expect(run.stdout).toMatch(/^Deployment [0-9a-f-]{36}: PROMOTED\n/);
    expect(run.stdout).toMatch(/ {2}promote {6}promoted {5}bake ended; target says InService\n$/);
    const canary = await show(dataDir, ids.canary);
    expect(canary.status).toBe('promoted');
    expect(steps(canary)).toEqual(['gate', 'plan', 'apply', 'baking', 'promote']);

    // The first no longer serves: it lists as replaced, not as a second promoted deployment.
    const first = await show(dataDir, ids.first);
    expect(first.status).toBe('replaced');
    expect(steps(first)).toEqual(['gate', 'plan', 'apply', 'promoted', 'replaced']);
    const replaced = await cli(dataDir, ['deployments', 'list', '--status', 'replaced']);
    expect(replaced.stdout).toMatch(
      new RegExp(`^${ids.first} {2}\\S+ {2}REPLACED +sagemaker:credit-scorer-prod `),
    );
    expect(replaced.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('with --no-wait returns while baking (json); a later command fires the bake that ended', async () => {
    const run = await cli(dataDir, [
      'deploy',
      '--model-package',
      `${ARN}/3`,
      ...PROD,
      ...OVERSIGHT,
      '--no-wait',
      '--format',
      'json',
    ]);
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.stderr).toBe('');
    const baking = JSON.parse(run.stdout) as Deployment;
    ids.noWait = baking.id;
    expect(baking.status).toBe('baking');
    expect(steps(baking)).toEqual(['gate', 'plan', 'apply', 'baking']);
    const bakeEndsAt = Date.parse(baking.bakeEndsAt as string);
    expect(bakeEndsAt).toBeGreaterThan(Date.now() - 2_000);

    await sleep(Math.max(0, bakeEndsAt - Date.now()) + 200);
    const text = await cli(dataDir, ['deployments', 'show', ids.noWait]);
    expect(text.code, text.stderr).toBe(EXIT.ok);
    expect(text.stdout).toMatch(new RegExp(`^Deployment ${ids.noWait}: PROMOTED\\n`));
    expect(steps(await show(dataDir, ids.noWait))).toEqual(['gate', 'plan', 'apply', 'baking', 'promote']);
  });

  it('rolls the promoted canary back once; then there is nothing to roll back', async () => {
    const run = await cli(dataDir, ['rollback', ids.noWait]);
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.stdout).toMatch(new RegExp(`^Deployment ${ids.noWait}: ROLLED-BACK\\n`));
    expect(run.stdout).toMatch(
      / {2}rollback {5}rolled-back {2}rolled back on request; target says InService\n$/,
    );
    expect((await show(dataDir, ids.noWait)).status).toBe('rolled-back');

    for (const [id, stderr] of [
      [ids.noWait, `verdict: deployment ${ids.noWait} is rolled-back: there is nothing to roll back\n`],
      [
        '00000000-0000-0000-0000-000000000000',
        'verdict: no deployment 00000000-0000-0000-0000-000000000000\n',
      ],
      ['not/an/id', 'verdict: not/an/id: expected a deployment id\n'],
    ] as const) {
      const again = await cli(dataDir, ['rollback', id]);
      expect({ code: again.code, stdout: again.stdout, stderr: again.stderr }, id).toEqual({
        code: EXIT.badInput,
        stdout: '',
        stderr,
      });
    }
  });

  it('revoking a registry approval takes its live deployment out of service and refuses it ever after', async () => {
    // The rollback above put version 2 back in service.
    const run = await cli(dataDir, [
      'decisions',
      'revoke',
      decisions[2] as string,
      '--reason',
      'bias found after release',
    ]);
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.stdout).toMatch(
      new RegExp(
        `^revoked ${decisions[2]} \\(${ARN}/2\\) at \\S+: bias found after release\\ndeployments taken out of service: ${ids.canary}\\n$`,
      ),
    );
    expect((await show(dataDir, ids.canary)).status).toBe('revoked');

    const again = await cli(dataDir, ['deploy', '--model-package', `${ARN}/2`, ...PROD, ...OVERSIGHT]);
    expect(again.code, again.stderr).toBe(EXIT.deny);
    expect(again.stdout).toMatch(/^Deployment [0-9a-f-]{36}: REFUSED\n/);
    expect(again.stdout).toContain(
      `\nRefused because:\n  - deployment.approval_revoked: The model-registry decision ${decisions[2]} was revoked at `,
    );

    const deploymentDecision = await cli(dataDir, [
      'decisions',
      'revoke',
      ids.first,
      '--reason',
      'wrong one',
    ]);
    expect({
      code: deploymentDecision.code,
      stdout: deploymentDecision.stdout,
      stderr: deploymentDecision.stderr,
    }).toEqual({
      code: EXIT.badInput,
      stdout: '',
      stderr: `verdict: decision ${ids.first} is a deployment decision: only a model-registry approval can be revoked\n`,
    });
  });

  it('the same idempotency key with the same request is the same deployment; with another, a conflict', async () => {
    const elsewhere = ['--model-package', `${ARN}/1`, '--target', 'sagemaker:credit-scorer-eu', ...GOVERNED];
    const key = ['--idempotency-key', 'release-2026-12-07'];
    const first = await cli(dataDir, ['deploy', ...elsewhere, ...OVERSIGHT, ...key]);
    expect(first.code, first.stderr).toBe(EXIT.ok);
    const replay = await cli(dataDir, ['deploy', ...elsewhere, ...OVERSIGHT, ...key]);
    expect(replay.code, replay.stderr).toBe(EXIT.ok);
    expect(idOf(replay.stdout)).toBe(idOf(first.stdout));
    expect(replay.stdout).toBe(first.stdout);

    const before = await cli(dataDir, ['deployments', 'list']);
    const other = await cli(dataDir, ['deploy', ...elsewhere, ...key]);
    expect({ code: other.code, stdout: other.stdout, stderr: other.stderr }).toEqual({
      code: EXIT.badInput,
      stdout: '',
      stderr: `verdict: deployment ${idOf(first.stdout)} was requested with another request under the same idempotency key\n`,
    });
    expect((await cli(dataDir, ['deployments', 'list'])).stdout).toBe(before.stdout);
    expect((await cli(dataDir, ['dlq', 'list'])).stdout).toBe('');
  });
});

describe('verdict deploy of an artifact changed after the registry gate', () => {
  it('is refused, exit 3: deployment.digest_mismatch', async () => {
    const dataDir = join(work, 'changed-artifact');
    const decisionId = await register(dataDir, 1);
    putOversightDocument(dataDir);
    const staged = join(dataDir, 'objects', 'verdict-local-inputs', CREDIT_SCORER_GROUP);
    const [folder] = readdirSync(staged);
    const model = join(staged, folder as string, 'model', 'model-1.tar.gz');
    appendFileSync(model, 'x');

    const run = await cli(dataDir, ['deploy', '--model-package', `${ARN}/1`, ...PROD, ...OVERSIGHT]);
    expect(run.code, run.stderr).toBe(EXIT.deny);
    expect(run.stdout).toMatch(/^Deployment [0-9a-f-]{36}: REFUSED\n/);
    expect(run.stdout).toMatch(
      new RegExp(
        `\\nRefused because:\\n {2}- deployment\\.digest_mismatch: The model artifact is sha256:[0-9a-f]{64}; the decision ${decisionId} allowed sha256:[0-9a-f]{64}\\. `,
      ),
    );
    expect((await show(dataDir, idOf(run.stdout))).plan).toBeNull();
  });
});

describe('verdict deploy naming a human-oversight document that is not there', () => {
  const dataDir = join(work, 'no-oversight-document');
  let id = '';

  it('is refused, exit 3: deployment.human_oversight_unreadable, nothing applied', async () => {
    await register(dataDir, 1);
    const run = await cli(dataDir, ['deploy', '--model-package', `${ARN}/1`, ...PROD, ...OVERSIGHT]);
    expect(run.code, run.stderr).toBe(EXIT.deny);
    expect(run.stdout).toMatch(
      /\nRefused because:\n {2}- deployment\.human_oversight_unreadable: The human-oversight evidence s3:\/\/verdict-demo-governance\/oversight\.pdf does not exist\. /,
    );
    id = idOf(run.stdout);
    expect((await show(dataDir, id)).plan).toBeNull();
  });

  it('records who asked: the local operator, sealed in the store, shown to the reader, erased once forgotten', async () => {
    const operator = localOperator();
    expect((await show(dataDir, id)).requestedBy).toBe(operator);
    const text = await cli(dataDir, ['deployments', 'show', id]);
    expect(text.stdout).toContain(`\n  requested by   ${operator}\n`);
    await cli(dataDir, ['forget', '--subject', operator]);
    expect((await show(dataDir, id)).requestedBy).toMatch(/^erased \([^)]+\)$/);
  });
});

describe('verdict deploy refuses bad input', () => {
  it('in one line (and the issues), exit 2, writing nothing', async () => {
    const dataDir = join(work, 'bad-input');
    const request = join(work, 'request.json');
    writeFileSync(
      request,
      JSON.stringify({
        modelPackageArn: `${ARN}/1`,
        target: { kind: 'sagemaker', endpointName: 'credit-scorer-prod' },
        environment: 'prod',
        colour: 'blue',
      }),
    );
    const pkg = ['--model-package', `${ARN}/1`];
    for (const [args, stderr] of [
      [
        [...pkg, '--target', 'bogus', '--env', 'prod'],
        'verdict: --target bogus: expected sagemaker:ENDPOINT or eks:CLUSTER/NAMESPACE/NAME\n',
      ],
      [
        [...pkg, '--target', 'sagemaker:credit-scorer-prod', '--env', 'prod', '--tag', '__proto__=x'],
        'verdict: --tag __proto__=x: __proto__ is not a tag key\n',
      ],
      [
        ['--request', request, ...OVERSIGHT],
        'verdict: the deployment request is not valid\n  - (root): Unrecognized key: "colour"\n',
      ],
      [
        [...pkg, '--target', 'sagemaker:credit-scorer-prod'],
        'verdict: --env is required (dev, staging or prod)\n',
      ],
    ] as const) {
      const run = await cli(dataDir, ['deploy', ...args]);
      expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }, args.join(' ')).toEqual({
        code: EXIT.badInput,
        stdout: '',
        stderr,
      });
      const list = await cli(dataDir, ['deployments', 'list']);
      expect({ code: list.code, stdout: list.stdout }, args.join(' ')).toEqual({
        code: EXIT.ok,
        stdout: 'no deployments\n',
      });
    }
  });
});
