/**
 * `verdict profile validate` and `verdict profile init` as a user runs them: the exact messages of a bad
 * profile or of missing flags, exit 2 and nothing written; init with flags (without a terminal) and, where
 * util-linux `script` can give it a pseudo-terminal, init answering its questions.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { classificationSchema } from '../../functions/contracts/classification.ts';
import { aiSystemProfileSchema } from '../../functions/gates/profile/ai-system-profile.ts';
import { CLI, ROOT, runCli, userEnv } from '../support/cli.ts';

const EXIT = { ok: 0, badInput: 2 } as const;
const AS_OF = '2026-12-07';
const cvRanker = join(ROOT, 'functions/local/demo/samples/cv-ranker.profile.json');
const cvRankerJson = JSON.parse(readFileSync(cvRanker, 'utf8')) as Record<string, unknown>;
const page = readFileSync(join(ROOT, 'docs/profile.md'), 'utf8');

const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-profile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const profile = (args: string[]) => runCli(['profile', ...args], { cwd: work });

/** The flags of a complete profile: a provider's customer-service assistant (limited risk, Art. 50(1)). */
const ASSISTANT_FLAGS = [
  ['--name', 'Support assistant'],
  ['--role', 'provider'],
  ['--affects-natural-persons', 'true'],
  ['--profiling', 'false'],
  ['--use-case', 'other'],
  ...[
    'manipulative-or-subliminal',
    'exploits-vulnerabilities',
    'significant-harm-likely',
    'social-scoring',
    'crime-risk-solely-from-profiling',
    'untargeted-facial-scraping',
    'intimate-imagery-without-consent',
    'child-sexual-abuse-material',
  ].map((flag) => [`--art5-${flag}`, 'false']),
  ['--biometrics-function', 'none'],
  ['--biometrics-realtime', 'false'],
  ['--biometrics-publicly-accessible-space', 'false'],
  ['--biometrics-inferred-attributes', 'none'],
  ['--biometrics-setting', 'other'],
  ['--biometrics-medical-or-safety-reason', 'false'],
  ['--annex-i-legislation', 'null'],
  ['--annex-i-safety-component', 'false'],
  ['--annex-i-third-party-conformity-assessment', 'false'],
  ['--derogation', 'null'],
  ['--transparency-interacts-with-humans', 'true'],
  ['--transparency-generates-synthetic-content', 'false'],
  ['--transparency-deepfake', 'false'],
  ['--gpai-is-gpai', 'false'],
  ['--gpai-training-flops', 'null'],
  ['--gpai-commission-designated', 'false'],
  ['--gpai-open-weights', 'false'],
].flat();

describe('verdict profile validate', () => {
  it('says a valid profile is valid and prints the class it gets with its obligations', async () => {
    const run = await profile(['validate', cvRanker, '--as-of', AS_OF]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT.ok);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      `${cvRanker}: a valid AI-system profile`,
      'risk class: high (Art. 6(2), Annex III 4(a))',
      'general-purpose AI: none',
      'transparency: none',
      `obligations as of ${AS_OF}:`,
    ]);
    expect(lines[5]).toBe('  Art. 9 Risk management system (provider, applies from 2027-12-02)');
    expect(run.stdout).toContain('  Art. 26 Deployer obligations');
  });

  it('prints the classification as JSON with --format json', async () => {
    const run = await profile(['validate', cvRanker, '--as-of', AS_OF, '--format', 'json']);
    expect(run.code).toBe(EXIT.ok);
    const output = JSON.parse(run.stdout) as { valid: boolean; asOf: string; classification: unknown };
    expect(output).toMatchObject({ valid: true, asOf: AS_OF });
    expect(classificationSchema.parse(output.classification).riskClass).toBe('high');
  });

  it('lists every problem of an invalid profile as path: message, exit 2, as docs/profile.md shows', async () => {
    const { deployerType: _, ...withoutDeployerType } = cvRankerJson;
    writeFileSync(join(work, 'bad.json'), JSON.stringify({ ...withoutDeployerType, profiling: 'no' }));
    const run = await profile(['validate', 'bad.json']);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    const expected = [
      'verdict: bad.json: not a valid AI-system profile (2 problems; fields: docs/profile.md)',
      '  - profile.profiling: Invalid input: expected boolean, received string',
      '  - profile.deployerType: required when role includes deployer (it decides the Art. 27 impact assessment)',
    ];
    expect(run.stderr).toBe(`${expected.join('\n')}\n`);
    for (const line of expected) expect(page).toContain(line);
  });

  it('names the file that is not JSON or cannot be read', async () => {
    writeFileSync(join(work, 'broken.json'), '{"name": ');
    const broken = await profile(['validate', 'broken.json']);
    expect(broken.code).toBe(EXIT.badInput);
    expect(broken.stderr).toMatch(/^verdict: profile broken\.json: not JSON: .+\n$/);
    const missing = await profile(['validate', 'missing.json']);
    expect(missing.code).toBe(EXIT.badInput);
    expect(missing.stderr).toBe('verdict: profile missing.json: cannot be read (ENOENT)\n');
  });
});

describe('verdict profile init without a terminal', () => {
  it('writes the profile its flags give, which validates, and prints its class', async () => {
    const run = await profile(['init', '--out', 'assistant.json', '--as-of', AS_OF, ...ASSISTANT_FLAGS]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout.split('\n').slice(0, 2)).toEqual([
      'wrote assistant.json',
      'risk class: limited (Art. 50(1))',
    ]);
    const written = aiSystemProfileSchema.parse(
      JSON.parse(readFileSync(join(work, 'assistant.json'), 'utf8')),
    );
    expect(written).toMatchObject({
      name: 'Support assistant',
      role: 'provider',
      transparency: { interactsWithHumans: true },
    });
    expect(written).not.toHaveProperty('deployerType');
    expect((await profile(['validate', 'assistant.json'])).code).toBe(EXIT.ok);
  });

  it('refuses with the list of missing flags, and writes nothing', async () => {
    const run = await profile(['init', '--out', 'partial.json', '--name', 'X', '--role', 'deployer']);
    expect(run.code).toBe(EXIT.badInput);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('verdict: missing 29 required flags (on a terminal, init asks for them)');
    expect(lines[1]).toBe(
      '  - --deployer-type: one of: private, public_authority, public_service_provider, law_enforcement',
    );
    expect(lines[2]).toBe('  - --affects-natural-persons: true or false');
    expect(lines.at(-1)).toBe('  - --gpai-open-weights: true or false');
    expect(lines).toHaveLength(30);
    expect(existsSync(join(work, 'partial.json'))).toBe(false);
  });

  it('refuses an answer a field does not take, and one the schema refuses, writing nothing', async () => {
    const maybe = await profile(['init', '--out', 'maybe.json', ...ASSISTANT_FLAGS, '--profiling', 'maybe']);
    expect(maybe.code).toBe(EXIT.badInput);
    expect(maybe.stderr).toBe('verdict: invalid answers\n  - --profiling maybe: expected true or false\n');
    const long = await profile(['init', '--out', 'long.json', ...ASSISTANT_FLAGS, '--name', 'x'.repeat(201)]);
    expect(long.code).toBe(EXIT.badInput);
    expect(long.stderr).toBe(
      'verdict: long.json: not a valid AI-system profile (1 problem; fields: docs/profile.md)\n' +
        '  - --name: Too big: expected string to have <=200 characters\n',
    );
    expect(existsSync(join(work, 'maybe.json')) || existsSync(join(work, 'long.json'))).toBe(false);
  });

  it('never overwrites an existing file without --force', async () => {
    writeFileSync(join(work, 'kept.json'), 'mine');
    const refused = await profile(['init', '--out', 'kept.json', ...ASSISTANT_FLAGS]);
    expect(refused.code).toBe(EXIT.badInput);
    expect(refused.stderr).toBe('verdict: kept.json exists; --force overwrites it\n');
    expect(readFileSync(join(work, 'kept.json'), 'utf8')).toBe('mine');
    const forced = await profile(['init', '--out', 'kept.json', '--force', ...ASSISTANT_FLAGS]);
    expect(forced.code).toBe(EXIT.ok);
    expect(JSON.parse(readFileSync(join(work, 'kept.json'), 'utf8'))).toMatchObject({
      name: 'Support assistant',
    });
  });
});

describe('verdict profile init, where the file cannot go', () => {
  it('says so in one line, exit 2', async () => {
    const run = await profile(['init', '--out', 'no-such-dir/p.json', ...ASSISTANT_FLAGS]);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toBe('verdict: no-such-dir/p.json: cannot be written (ENOENT)\n');
  });
});

const hasScript = spawnSync('script', ['--version']).status === 0;

describe.skipIf(!hasScript)('verdict profile init on a terminal', () => {
  it('asks for each field the flags leave out and writes the profile', async () => {
    // Everything but the name and the Art. 50 answers comes from flags; those, the optional purpose (skipped)
    // and personal data (not declared) are typed at the prompts, with one wrong answer asked again.
    const flags = ASSISTANT_FLAGS.filter((_, i, all) => {
      const flag = i % 2 === 0 ? all[i] : all[i - 1];
      return flag !== '--name' && !flag?.startsWith('--transparency-');
    });
    const answers = ['Typed assistant', '', 'maybe', 'true', 'false', 'false', 'no'];
    const command = [
      process.execPath,
      CLI,
      'profile',
      'init',
      '--out',
      'typed.json',
      '--as-of',
      AS_OF,
      ...flags,
    ]
      .map((word) => `'${word}'`)
      .join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: work, env: userEnv() });
    let pending = '';
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      pending += chunk;
      // A prompt ends with ': ' once the terminal's cursor controls are taken out: type the next answer.
      if (/: $/.test(stripVTControlCharacters(pending)) && answers.length > 0) {
        pending = '';
        child.stdin.write(`${answers.shift()}\r`);
      }
    });
    const stuck = setTimeout(() => child.kill(), 60_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(stuck);
    expect(code, output).toBe(EXIT.ok);
    expect(output).toContain('Name of the AI system [name]');
    expect(output).toContain('  expected true or false');
    expect(output).toContain('risk class: limited (Art. 50(1))');
    expect(JSON.parse(readFileSync(join(work, 'typed.json'), 'utf8'))).toMatchObject({
      name: 'Typed assistant',
      transparency: { interactsWithHumans: true, generatesSyntheticContent: false, deepfake: false },
    });
  });
});
