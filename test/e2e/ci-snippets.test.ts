/**
 * The README's "Verdict in CI" snippets, run as written: every `run:` line of the GitHub Actions job and
 * every command of the CodeBuild buildspec, in a copy of the repository's sample profiles. The set-up step
 * (`bash scripts/setup.sh demo`) is what the test environment has already done; it is checked to be the
 * only other command, so no untested command can enter the snippets. `npx verdict` is this checkout's CLI.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, userEnv } from '../support/cli.ts';
import { sarifSchemaErrors } from '../support/sarif-schema.ts';
import { elements, parseXml } from '../support/xml.ts';

const SETUP = 'bash scripts/setup.sh demo';
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('\n## Verdict in CI\n'), readme.indexOf('\n## Auditor API\n'));
const [githubJob, buildspec] = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);

const githubCommands = [...(githubJob ?? '').matchAll(/^\s*run: (.+)$/gm)].map((m) => m[1] as string);
// The commands of the buildspec's phases (its `reports` list files, not commands).
const phases = (buildspec ?? '').split('\nreports:')[0] ?? '';
const codebuildCommands = [...phases.matchAll(/^ {6}- (.+)$/gm)].map((m) => m[1] as string);

const workspaces: string[] = [];
afterAll(() => {
  for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
});

/** A fresh working copy with the sample profiles where the snippets name them. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'verdict-e2e-ci-'));
  workspaces.push(dir);
  cpSync(join(ROOT, 'functions/local/demo/samples'), join(dir, 'functions/local/demo/samples'), {
    recursive: true,
  });
  return dir;
}

/** One snippet line as the CI shell runs it (bash, -e, pipefail). */
async function sh(line: string, cwd: string): Promise<{ code: number; stderr: string }> {
  const { spawnSync } = await import('node:child_process');
  const command = line.replace(/^npx verdict /, `"${process.execPath}" "${CLI}" `);
  const run = spawnSync('bash', ['-eo', 'pipefail', '-c', command], {
    cwd,
    env: userEnv(),
    encoding: 'utf8',
  });
  return { code: run.status ?? -1, stderr: run.stderr };
}

const verdictLines = (commands: string[]) => commands.filter((c) => c !== SETUP);

describe('README: Verdict in CI', () => {
  it('has a GitHub Actions job and a CodeBuild buildspec whose only other command is the set-up', () => {
    expect(githubCommands.filter((c) => !c.startsWith('npx verdict check '))).toEqual([SETUP]);
    expect(codebuildCommands.filter((c) => !c.startsWith('npx verdict check '))).toEqual([SETUP]);
    expect(verdictLines(githubCommands)).toHaveLength(2);
    expect(verdictLines(codebuildCommands)).toHaveLength(1);
  });

  it('GitHub Actions: the run lines pass for the compliant sample and write a valid SARIF log and JUnit report', async () => {
    const dir = workspace();
    for (const line of verdictLines(githubCommands))
      expect(await sh(line, dir)).toEqual({ code: 0, stderr: '' });
    const sarif = JSON.parse(readFileSync(join(dir, 'verdict.sarif'), 'utf8'));
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(sarif.runs[0].results).toEqual([]);
    const junit = parseXml(readFileSync(join(dir, 'verdict-junit.xml'), 'utf8'));
    expect(elements(junit, 'testsuite')[0]?.attributes.failures).toBe('0');
    // The upload step names the file the gate step writes.
    expect(githubJob).toContain('sarif_file: verdict.sarif');
  });

  it('GitHub Actions: a model the gate denies fails the step (exit 3) and still leaves the SARIF to upload', async () => {
    const dir = workspace();
    const denied = verdictLines(githubCommands)[0]?.replaceAll('credit-scorer', 'cv-ranker') ?? '';
    expect((await sh(denied, dir)).code).toBe(3);
    const sarif = JSON.parse(readFileSync(join(dir, 'verdict.sarif'), 'utf8'));
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toContain('bias.disparate_impact');
  });

  it('CodeBuild: the build command passes and writes the JUnit report the buildspec declares', async () => {
    const dir = workspace();
    for (const line of verdictLines(codebuildCommands))
      expect(await sh(line, dir)).toEqual({ code: 0, stderr: '' });
    const reportFile = /files:\n\s+- (\S+)/.exec(buildspec ?? '')?.[1] ?? '';
    expect(reportFile).toBe('verdict-junit.xml');
    expect(buildspec).toContain('file-format: JUNITXML');
    const junit = parseXml(readFileSync(join(dir, reportFile), 'utf8'));
    expect(elements(junit, 'testcase').length).toBeGreaterThan(0);
  });
});
