/**
 * `verdict gate` as a user runs it: exit codes, the decision on stdout (and nothing else there), and the
 * messages on stderr for bad input. It runs offline in memory, so it writes nothing to disk.
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../functions/contracts/decision.ts';
import { type CliRun, ROOT, runCli } from '../support/cli.ts';

const SAMPLES = join(ROOT, 'functions/local/demo/samples');
const EVENT = join(ROOT, 'test/fixtures/events/sagemaker-model-package-state-change.json');
const EXIT = { ok: 0, badInput: 2, deny: 3 } as const;

const inputs = mkdtempSync(join(tmpdir(), 'verdict-e2e-gate-inputs-'));
/** The CLI's working directory: `gate` must leave it as empty as it found it (no `.verdict/`). */
const cwd = mkdtempSync(join(tmpdir(), 'verdict-e2e-gate-cwd-'));

afterAll(() => {
  rmSync(inputs, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

/** `verdict gate` as a user's shell runs it: without vitest's quiet-logging settings, so the CLI's defaults apply. */
const gate = (args: string[]) => runCli(['gate', ...args], { cwd });

/** stdout must be exactly one JSON document: the decision. */
function decisionOf(run: CliRun): Decision {
  return JSON.parse(run.stdout) as Decision;
}

function write(name: string, content: string): string {
  const path = join(inputs, name);
  writeFileSync(path, content);
  return path;
}

/** An --evidence directory holding a sample Clarify report as analysis.json. */
function evidenceDir(sample: string): string {
  const dir = join(inputs, `${sample}-evidence`);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(SAMPLES, `${sample}.analysis.json`), join(dir, 'analysis.json'));
  return dir;
}

const profile = (sample: string) => join(SAMPLES, `${sample}.profile.json`);
const creditProfile = JSON.parse(readFileSync(profile('credit-scorer'), 'utf8')) as Record<string, unknown>;
const sampleEvent = JSON.parse(readFileSync(EVENT, 'utf8')) as Record<string, unknown>;

describe.concurrent('verdict gate', () => {
  it('a package that names no profile is denied (exit 3) with profile.missing', async ({ expect }) => {
    const run = await gate(['--event', EVENT]);
    expect(run.code).toBe(EXIT.deny);
    expect(run.stderr).toBe('');
    const decision = decisionOf(run);
    expect(decision.decision).toBe('deny');
    expect(decision.violations.map((v) => v.rule)).toContain('profile.missing');
    expect(decision.trigger.eventId).toBe(sampleEvent.id);
  });

  it('a compliant profile and Clarify report are allowed (exit 0)', async ({ expect }) => {
    const run = await gate([
      '--event',
      EVENT,
      '--profile',
      profile('credit-scorer'),
      '--evidence',
      evidenceDir('credit-scorer'),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT.ok);
    const decision = decisionOf(run);
    expect(decision).toMatchObject({ decision: 'allow', violations: [], gate: 'model-registry' });
    expect(decision.policy.bundleSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(decision.policy.version).toBe(readFileSync(join(ROOT, 'policies/VERSION'), 'utf8').trim());
  });

  it('a biased model is denied (exit 3) with bias.disparate_impact', async ({ expect }) => {
    const run = await gate([
      '--event',
      EVENT,
      '--profile',
      profile('cv-ranker'),
      '--evidence',
      evidenceDir('cv-ranker'),
    ]);
    expect(run.code).toBe(EXIT.deny);
    const decision = decisionOf(run);
    expect(decision.decision).toBe('deny');
    expect(decision.violations.map((v) => v.rule)).toContain('bias.disparate_impact');
  });

  it('a profile field of the wrong type is bad input (exit 2) with its path', async ({ expect }) => {
    const path = write('wrong-type.profile.json', JSON.stringify({ ...creditProfile, profiling: 'yes' }));
    const run = await gate(['--event', EVENT, '--profile', path]);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('profile.invalid');
    expect(run.stderr).toMatch(/^ {2}- profile\.profiling: .*boolean/m);
  });

  it('an unknown profile field is bad input (exit 2) naming it', async ({ expect }) => {
    const path = write('unknown-field.profile.json', JSON.stringify({ ...creditProfile, colour: 'red' }));
    const run = await gate(['--event', EVENT, '--profile', path]);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/profile.*"colour"/);
  });

  it('a verdict:profile of the wrong type is bad input (exit 2) naming the key, no stack trace', async ({
    expect,
  }) => {
    const detail = {
      ...(sampleEvent.detail as object),
      CustomerMetadataProperties: { 'verdict:profile': 5 },
    };
    const event = JSON.stringify({ ...sampleEvent, detail });
    const run = await gate(['--event', write('profile-type.event.json', event)]);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'verdict: invalid input (model_package.invalid)\n  - detail.CustomerMetadataProperties.verdict:profile: Invalid input: expected string, received number\n',
    );
  });

  it('an s3://b/../x pointer is bad input (exit 2), never read', async ({ expect }) => {
    const detail = {
      ...(sampleEvent.detail as object),
      CustomerMetadataProperties: { 'verdict:profile': 's3://b/../x' },
    };
    const event = JSON.stringify({ ...sampleEvent, detail });
    const run = await gate(['--event', write('dot-dot.event.json', event)]);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'verdict: invalid input (evidence.invalid)\n  - CustomerMetadataProperties.verdict:profile: "s3://b/../x": expected an s3://bucket/key URI without "." or ".." segments or backslashes\n',
    );
  });

  it('an event file that is not JSON is bad input (exit 2) naming the file', async ({ expect }) => {
    const path = write('not-json.event.json', '{"version": "0", ');
    const run = await gate(['--event', path]);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`event ${path}: not JSON`);
  });

  it('an event of another detail-type is bad input (exit 2) naming detail-type', async ({ expect }) => {
    const path = write(
      'wrong-detail-type.event.json',
      JSON.stringify({ ...sampleEvent, 'detail-type': 'SageMaker Endpoint State Change' }),
    );
    const run = await gate(['--event', path]);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('event.invalid');
    expect(run.stderr).toMatch(/^ {2}- detail-type: /m);
  });

  it('without --event it is a usage error (exit 2)', async ({ expect }) => {
    const run = await gate([]);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("required option '--event <file>' not specified");
  });

  it('an event file that does not exist is bad input (exit 2)', async ({ expect }) => {
    const path = join(inputs, 'no-such.event.json');
    const run = await gate(['--event', path]);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`event ${path}: cannot be read (ENOENT)`);
  });

  it('an --evidence directory that does not exist is bad input (exit 2)', async ({ expect }) => {
    const dir = join(inputs, 'no-such-evidence');
    const run = await gate(['--event', EVENT, '--profile', profile('credit-scorer'), '--evidence', dir]);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`--evidence ${dir}: no such directory`);
  });
});

describe('verdict gate works offline', () => {
  it('writes nothing to its working directory (no .verdict/ data dir)', async () => {
    // Runs after the concurrent suite, every call of which used `cwd` as its working directory.
    const run = await gate([
      '--event',
      EVENT,
      '--profile',
      profile('credit-scorer'),
      '--evidence',
      evidenceDir('credit-scorer'),
    ]);
    expect(run.code).toBe(EXIT.ok);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('gives the same decision id for the same event (deterministic, no stored state)', async () => {
    const [a, b] = await Promise.all([gate(['--event', EVENT]), gate(['--event', EVENT])]);
    expect(decisionOf(a).id).toBe(decisionOf(b).id);
  });
});
