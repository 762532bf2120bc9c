/**
 * Colour only where a person reads a terminal: piped output carries no escape codes, NO_COLOR turns colour
 * off on a terminal (https://no-color.org), FORCE_COLOR turns it on anywhere. A terminal is a pseudo-TTY
 * from util-linux `script`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli, userEnv } from '../support/cli.ts';

const SAMPLES = join(ROOT, 'functions/local/demo/samples');
const CHECK_DENY = [
  'check',
  '--profile',
  join(SAMPLES, 'cv-ranker.profile.json'),
  '--clarify',
  join(SAMPLES, 'cv-ranker.analysis.json'),
];
const ESCAPE = '\x1b[';
const RED_DENY = '\x1b[31m\x1b[1mDENY: the model version is rejected';

const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-colour-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The user's environment with neither colour variable, plus `extra`. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = userEnv();
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  return { ...base, TERM: 'xterm-256color', ...extra };
}

const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/** `verdict <args>` on a pseudo-terminal: everything it wrote there, stdout and stderr together. */
function onTerminal(args: string[], extra: Record<string, string> = {}): Promise<string> {
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    execFile('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: env(extra) }, (error, stdout) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve(stdout);
    });
  });
}

describe('colour', () => {
  it('a terminal gets the outcome in colour', async () => {
    expect(await onTerminal(CHECK_DENY)).toContain(RED_DENY);
  });

  it('piped output has no escape codes', async () => {
    const run = await runCli(CHECK_DENY, { env: env() });
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('DENY: the model version is rejected');
    expect(run.stdout + run.stderr).not.toContain(ESCAPE);
  });

  it('NO_COLOR=1 on a terminal: no escape codes', async () => {
    const printed = await onTerminal(CHECK_DENY, { NO_COLOR: '1' });
    expect(printed).toContain('DENY: the model version is rejected');
    expect(printed).not.toContain(ESCAPE);
  });

  it('FORCE_COLOR=1 colours piped output; FORCE_COLOR=0 keeps a terminal plain', async () => {
    expect((await runCli(CHECK_DENY, { env: env({ FORCE_COLOR: '1' }) })).stdout).toContain(RED_DENY);
    expect(await onTerminal(CHECK_DENY, { FORCE_COLOR: '0' })).not.toContain(ESCAPE);
  });

  it("a report's progress line on a terminal is redrawn with carriage returns, no escape codes", async () => {
    const dataDir = join(work, 'data');
    expect((await runCli(['demo', '--no-cluster', '--data-dir', dataDir], { env: env() })).code).toBe(0);
    const printed = await onTerminal(
      [
        'report',
        '--type',
        'period-summary',
        '--format',
        'json',
        '--out',
        join(work, 'summary.json'),
        '--data-dir',
        dataDir,
      ],
      { NO_COLOR: '1' },
    );
    expect(printed).toContain('verdict: wrote ');
    expect(printed).toMatch(/\rreport \[#+\] 100%/);
    expect(printed).not.toContain(ESCAPE);
  });
});
