/**
 * `npx tsx scripts/render-operating-doc.ts`: rewrites the generated tables of docs/operating.md (resources
 * by type from a synthesis with cdk.json's context, and every `verdict:*` default). Offline; no bundling.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { REPO_ROOT } from '../infra/paths.ts';
import { buildVerdictApp } from '../infra/verdict-app.ts';
import {
  countResourceTypes,
  renderResourceTable,
  renderSettingsTable,
  replaceGenerated,
} from './operating-doc.ts';

const PAGE = join(REPO_ROOT, 'docs', 'operating.md');

const { context } = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};
const app = new App({
  outdir: mkdtempSync(join(tmpdir(), 'verdict-cdk-out-')),
  context: { ...context, 'aws:cdk:bundling-stacks': [] },
});
const stack = buildVerdictApp(app);
const template = app.synth().getStackByName(stack.stackName).template;

let page = readFileSync(PAGE, 'utf8');
page = replaceGenerated(page, 'resources', renderResourceTable(countResourceTypes(template)));
page = replaceGenerated(page, 'settings', renderSettingsTable());
writeFileSync(PAGE, page);
console.log(`updated ${PAGE}`);
