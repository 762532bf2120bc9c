/**
 * docs/operating.md stays true: its resource table matches a synthesis with cdk.json as shipped, its settings
 * table is what infra/config.ts parses (every key, every default), and it covers what an operator needs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_KEYS } from '../../infra/config.ts';
import { REPO_ROOT } from '../../infra/paths.ts';
import {
  countResourceTypes,
  renderResourceTable,
  renderSettingsTable,
  replaceGenerated,
} from '../../scripts/operating-doc.ts';
import { buildApp, NO_BUNDLING, standInPolicyBundle } from './synth.ts';

const page = readFileSync(join(REPO_ROOT, 'docs', 'operating.md'), 'utf8');
const STALE = 'docs/operating.md is out of date: run `npx tsx scripts/render-operating-doc.ts`';

let template: { Resources: Record<string, { Type: string }> };

beforeAll(() => {
  const { app, stack } = buildApp(NO_BUNDLING, { policyBundlePath: standInPolicyBundle().path });
  template = app.synth().getStackByName(stack.stackName).template;
}, 120_000);

describe('docs/operating.md', () => {
  it('lists the resources of the synthesised template, by type and count', () => {
    const table = renderResourceTable(countResourceTypes(template));
    expect(replaceGenerated(page, 'resources', table), STALE).toBe(page);
    expect(page).toContain('| `AWS::KMS::Key` | 4 |');
    expect(page).toContain('| `AWS::S3::Bucket` | 5 |');
    expect(page).toContain('| `AWS::DynamoDB::Table` | 6 |');
    expect(page).toContain('| `AWS::Scheduler::ScheduleGroup` | 1 |');
  });

  it('lists every verdict:* key infra/config.ts parses, with its defaults', () => {
    expect(replaceGenerated(page, 'settings', renderSettingsTable()), STALE).toBe(page);
    for (const key of Object.values(CONTEXT_KEYS)) expect(page).toContain(`| \`${key}\` |`);
    expect(page).toContain('| `verdict:objectLockMode` | `"GOVERNANCE"` | `"GOVERNANCE"` | `"COMPLIANCE"` |');
  });

  it('covers cost, permissions, teardown, upgrade, rollback, redrive, exceptions, export and the CLI', () => {
    const headings = [...page.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      'What the stack creates',
      'Cost drivers',
      "The deployer's permissions",
      'Settings',
      'Object Lock and tearing down a dev deployment',
      'Upgrade',
      'Rollback',
      'Dead letters and redrive',
      'Exceptions (waivers) in AWS',
      'Exporting the ledger in AWS',
      'Deployments in AWS',
      'The CLI against a deployed stack',
    ]);
    for (const command of [
      'aws s3api delete-objects --bucket "$bucket" --bypass-governance-retention',
      'npx cdk destroy',
      'npx cdk diff',
      'aws cloudformation continue-update-rollback',
      'aws sqs receive-message',
      'aws lambda invoke',
      'aws s3 sync s3://<LedgerTilesBucketName>',
      'verdict exception grant|revoke|list --stack <stack name>',
      'verdict ledger export --stack <stack name> --out DIR',
    ])
      expect(page).toContain(command);
  });

  it('the function outputs its redrive steps read exist', () => {
    const outputs = Object.keys((template as unknown as { Outputs: Record<string, unknown> }).Outputs).filter(
      (name) => name.endsWith('FunctionName'),
    );
    for (const output of [
      'ModelRegistryGateFunctionName',
      'ReportWorkerFunctionName',
      'DeploymentOrchestratorFunctionName',
    ])
      expect(outputs).toContain(output);
  });
});
