/**
 * The CLI's front door: its version, the command list (each command's module is loaded only when it runs,
 * so the list comes from the summaries), help for one command, and an unknown command.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_SUMMARIES } from '../../functions/local/cli/command-summaries.ts';
import { CLI, ROOT, runCli, userEnv } from '../support/cli.ts';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const squeeze = (text: string) => text.replace(/\s+/g, ' ');

describe('verdict', () => {
  it('--version prints the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const run = await runCli([flag]);
      expect(run).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it("leaves a command's own --version option to the command", async () => {
    const run = await runCli([
      'report',
      '--version',
      '1',
      '--format',
      'docx',
      '--out',
      'x',
      '--type',
      'model-compliance',
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--format docx: expected one of json, csv, html, pdf');
  });

  it('--help lists every command with its summary', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    const listed = squeeze(run.stdout);
    for (const [name, summary] of Object.entries(COMMAND_SUMMARIES))
      expect(listed).toContain(squeeze(`${name} ${summary}`).slice(0, 60));
  });

  it('help for one command shows its own options', async () => {
    for (const args of [
      ['help', 'gate'],
      ['gate', '--help'],
    ]) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stdout).toContain('Usage: verdict gate [options]');
      expect(run.stdout).toContain('--event <file>');
    }
  });

  it('an unknown command is a usage error (exit 2) that names it', async () => {
    const run = await runCli(['gait']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'gait'");
  });

  it('an enum flag refuses a value outside its set, naming the allowed ones, before reading anything', async () => {
    const run = await runCli(['gate', '--event', 'no-such-event.json', '--environment', 'banana']);
    expect(run).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        "error: option '--environment <name>' argument 'banana' is invalid. Allowed choices are dev, staging, prod.\n",
    });
  });

  it('a file the user named that is missing or a directory is one line, exit 2, no stack trace', async () => {
    const missing = await runCli([
      'ledger',
      'append',
      '--file',
      'no-such-entries.jsonl',
      '--data-dir',
      'no-such-dir',
    ]);
    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr: 'verdict: no-such-entries.jsonl: no such file or directory\n',
    });
    const intoDirectory = await runCli([
      'report',
      '--type',
      'period-summary',
      '--format',
      'json',
      '--out',
      'test',
    ]);
    expect(intoDirectory).toEqual({
      code: 2,
      stdout: '',
      stderr: 'verdict: invalid report arguments\n  - --out test: is a directory (name the report file)\n',
    });
  });

  it('a reader that closes early (`verdict … --help | head -1`) ends it quietly: exit 141, no stack trace', async () => {
    for (const args of [['--help'], ['gate', '--help']]) {
      const child = spawn(process.execPath, [CLI, ...args], {
        cwd: ROOT,
        env: userEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // Closed before the CLI has started, so its first write meets a broken pipe.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      const [code] = (await once(child, 'exit')) as [number | null];
      expect({ code, stderr }, args.join(' ')).toEqual({ code: 141, stderr: '' });
    }
  });

  it('a closed stderr does not stop a report half way: it finishes, and no partial file is left', async () => {
    const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-stderr-'));
    try {
      const dataDir = join(work, 'data');
      expect((await runCli(['demo', '--no-cluster', '--data-dir', dataDir])).code).toBe(0);
      const out = join(work, 'summary.json');
      const child = spawn(
        process.execPath,
        [CLI, 'report', '--type', 'period-summary', '--format', 'json', '--out', out, '--data-dir', dataDir],
        { cwd: ROOT, env: userEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child.stderr.destroy();
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
      const left = readdirSync(work);
      expect(left).toEqual(expect.arrayContaining(['summary.json', 'summary.json.manifest']));
      expect(left.filter((name) => name.endsWith('.partial'))).toEqual([]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
