/**
 * Every shell block of the README runs as written, in order, in a fresh copy of the repository, and
 * ends with exit 0 or the code its `<!-- expect-exit: N -->` comment names; a block marked
 * `<!-- not-run: REASON -->` is skipped with its reason. Every `<!-- sample-of: COMMAND -->` block is
 * what COMMAND prints now, up to the parts the sample shortens with "…".
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, userEnv } from '../support/cli.ts';
import { isShell, markdownBlocks, sampleMismatch, textSampleMismatch } from '../support/readme-blocks.ts';
import { copyRepository } from '../support/repository-copy.ts';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = markdownBlocks(README);
const shellBlocks = blocks.filter(isShell);
const samples = blocks.filter((block) => block.sampleOf !== undefined);

interface ShellRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a script with bash -e in `cwd`, as a new process group that is ended with the script, so a
 * server the script started in the background does not outlive it.
 */
function runShell(script: string, cwd: string, timeoutMs = 60_000): Promise<ShellRun> {
  return new Promise((resolve) => {
    const env = { ...userEnv({ allVerdict: true }), NO_COLOR: '1', npm_config_update_notifier: 'false' };
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd, env, detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const endGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // the group has ended already
      }
    };
    const timer = setTimeout(endGroup, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      endGroup();
      // What the script printed before it exited is in the pipes; a background child may hold them open.
      setTimeout(() => resolve({ code, stdout, stderr }), 100);
    });
  });
}

describe('the README, run as written in a fresh copy of the repository', () => {
  let copy: string;

  beforeAll(() => {
    copy = copyRepository('verdict-readme-');
  });
  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('has shell blocks and every block that is not run says why', () => {
    expect(shellBlocks.length).toBeGreaterThan(5);
    for (const block of shellBlocks.filter((b) => b.notRun !== undefined))
      expect(block.notRun, `line ${block.line}`).not.toBe('');
  });

  // Before the blocks, which start from a fresh clone: each sample's data directory is removed after it.
  for (const sample of samples) {
    it(`line ${sample.line}: the sample is what \`${sample.sampleOf}\` prints`, async () => {
      const run = await runShell(`${sample.sampleOf} || true`, copy);
      rmSync(join(copy, '.verdict'), { recursive: true, force: true });
      const problem =
        sample.lang === 'json'
          ? sampleMismatch(JSON.parse(sample.body), JSON.parse(run.stdout))
          : textSampleMismatch(sample.body, run.stdout);
      expect(problem, run.stdout).toBeUndefined();
    });
  }

  for (const block of shellBlocks) {
    const title = `line ${block.line}: ${block.body.split('\n')[0]}`;
    if (block.notRun !== undefined) {
      it.skip(`${title} (not run: ${block.notRun})`, () => undefined);
      continue;
    }
    it(`${title} exits ${block.expectExit ?? 0}`, async () => {
      const run = await runShell(block.body, copy);
      expect(run.code, `${block.body}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(
        block.expectExit ?? 0,
      );
    });
  }

  it('warns on stderr, naming the file, when a policy changed after the bundle was built', async () => {
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(copy, 'policies/lib/bias.rego'), later, later);
    const run = await runShell(
      'npx verdict gate --event examples/cv-ranker/event.json --evidence examples/evidence || true',
      copy,
    );
    expect(run.stderr).toContain(
      'warning: policies/lib/bias.rego changed after the policy bundle was built (policies/build/bundle.tar.gz)',
    );
    expect(JSON.parse(run.stdout).decision).toBe('deny');
  });
});
