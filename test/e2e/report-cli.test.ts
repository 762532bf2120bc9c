/**
 * `verdict report` and `verdict report verify` as a user runs them, on the demo's data: reports in every
 * format, progress on stderr, the signed manifest next to the report, verify passing and then failing
 * (exit 3) on a one-byte change, and bad arguments exiting 2 with what is wrong.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../functions/adapters/local/sqlite-database.ts';
import { ed25519Signer, parseSignerKey } from '../../functions/ledger/core/note-keys.ts';
import { type ReportManifest, signManifest } from '../../functions/reports/manifest.ts';
import { runCli } from '../support/cli.ts';
import { pdfText } from '../unit/reports/tools.ts';

const EXIT = { ok: 0, badInput: 2, tampered: 3, untrusted: 5 } as const;

const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-report-'));
const dataDir = join(work, 'data');

const verdict = (args: string[]) => runCli(args, { cwd: work, timeout: 90_000 });

const report = (args: string[]) => verdict(['report', ...args, '--data-dir', dataDir]);

beforeAll(async () => {
  const demo = await verdict(['demo', '--no-cluster', '--data-dir', dataDir]);
  expect(demo.code).toBe(0);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('verdict report', () => {
  it('writes a period summary as JSON with its manifest, progress on stderr (plain lines off a terminal)', async () => {
    const out = join(work, 'period.json');
    const run = await report(['--type', 'period-summary', '--format', 'json', '--out', out]);
    expect(run.stderr).toContain('report: reading decisions\n');
    expect(run.stderr).toContain('report: 11 decisions; writing\n');
    expect(run.stderr).toContain('report: 100% (11/11)\n');
    expect(run.stderr).toMatch(
      /verdict: wrote .*period\.json \(period-summary, json, 11 decisions, [\d,]+ bytes, sha256 [0-9a-f]{64}\)/,
    );
    expect(run.stderr).not.toContain('\r');
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toBe('');
    const json = JSON.parse(readFileSync(out, 'utf8'));
    // The demo's registry decisions (three, and two retrained credit scorers'), its four deployment decisions,
    // the out-of-band change's and the drift alarm's.
    expect(json.summary.byOutcome).toEqual({ allow: 6, deny: 5, review: 0 });
    expect(
      json.decisions
        .map((d: { gate: string; subject: { group: string } }) => `${d.gate} ${d.subject.group}`)
        .sort(),
    ).toEqual([
      'deployment cv-ranker',
      'deployment cv-ranker',
      'deployment retail-credit-scorer',
      'deployment retail-credit-scorer',
      'deployment retail-credit-scorer',
      'model-registry citizen-trust-score',
      'model-registry cv-ranker',
      'model-registry retail-credit-scorer',
      'model-registry retail-credit-scorer',
      'model-registry retail-credit-scorer',
      'monitoring retail-credit-scorer',
    ]);
    expect(readFileSync(`${out}.manifest`, 'utf8')).toMatch(
      /^verdict\.report\.manifest\/v1\n\{.*\}\n\n\u2014 verdict\.local\/ledger [A-Za-z0-9+/=]+\n$/,
    );
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('writes an Annex IV PDF and a model-compliance CSV and HTML for the demo CV ranker', async () => {
    const pdf = join(work, 'annex.pdf');
    expect(
      (
        await report([
          '--type',
          'annex-iv',
          '--model',
          'cv-ranker',
          '--format',
          'pdf',
          '--out',
          pdf,
          '--no-progress',
        ])
      ).code,
    ).toBe(EXIT.ok);
    const text = pdfText(pdf).replace(/[ \t]+/g, ' ');
    expect(text).toContain('EU AI Act Annex IV technical documentation: cv-ranker version 1');
    expect(text).toContain('1. General description of the AI system');
    expect(text).toContain('8. Copy of the EU declaration of conformity');

    const csv = join(work, 'cv.csv');
    expect(
      (await report(['--type', 'model-compliance', '--model', 'cv-ranker', '--format', 'csv', '--out', csv]))
        .code,
    ).toBe(EXIT.ok);
    const rows = parse(readFileSync(csv, 'utf8'), { columns: true }) as Record<string, string>[];
    // One row per violation of the demo's three cv-ranker decisions: the registry gate's, its refused
    // deployment, and the out-of-band change that put it on the credit scorer's endpoint.
    expect(new Set(rows.map((r) => `${r.model} ${r.version} ${r.decision} ${r.decision_id}`)).size).toBe(3);
    expect(rows[0]).toMatchObject({ model: 'cv-ranker', version: '1', decision: 'deny' });
    expect(rows.map((r) => r.rule)).toContain('bias.disparate_impact');
    expect(rows.map((r) => r.rule)).toContain('deployment.approval_not_allow');
    expect(rows.map((r) => r.rule)).toContain('deployment.out_of_band');

    const html = join(work, 'cv.html');
    expect(
      (
        await report([
          '--type',
          'model-compliance',
          '--model',
          'cv-ranker',
          '--version',
          '1',
          '--format',
          'html',
          '--out',
          html,
        ])
      ).code,
    ).toBe(EXIT.ok);
    expect(readFileSync(html, 'utf8')).toContain('<h1>Model compliance: cv-ranker version 1</h1>');
  }, 60_000);

  it('verify: 0 for an intact report, 3 for a one-byte change or an edited manifest', async () => {
    const out = join(work, 'verify.csv');
    expect((await report(['--type', 'period-summary', '--format', 'csv', '--out', out])).code).toBe(EXIT.ok);
    const ok = await report(['verify', out]);
    expect(ok.code).toBe(EXIT.ok);
    expect(ok.stdout).toMatch(/^OK: .*verify\.csv is the period-summary report \(csv\)/);
    expect(ok.stdout).toMatch(/manifest signed by verdict\.local\/ledger\+[0-9a-f]{8}/);

    const bytes = readFileSync(out);
    bytes[10] = (bytes[10] ?? 0) ^ 0x20;
    writeFileSync(out, bytes);
    const tampered = await report(['verify', out]);
    expect(tampered.code).toBe(EXIT.tampered);
    expect(tampered.stderr).toMatch(/TAMPERED: .*the report's bytes are not the ones the manifest names/);

    bytes[10] = (bytes[10] ?? 0) ^ 0x20;
    writeFileSync(out, bytes);
    expect((await report(['verify', out])).code).toBe(EXIT.ok);
    const manifest = readFileSync(`${out}.manifest`, 'utf8');
    writeFileSync(`${out}.manifest`, manifest.replace('"type":"period-summary"', '"type":"annex-iv"'));
    const edited = await report(['verify', out]);
    expect(edited.code).toBe(EXIT.tampered);
    expect(edited.stderr).toContain('does not verify: the manifest was altered after signing');
    writeFileSync(`${out}.manifest`, manifest);
  }, 60_000);

  it('verify: 5 (untrusted, not tampered) against a key that did not sign, 2 without a manifest', async () => {
    const out = join(work, 'keys.json');
    expect((await report(['--type', 'period-summary', '--format', 'json', '--out', out])).code).toBe(EXIT.ok);
    const stranger = ed25519Signer('verdict.local/ledger', new Uint8Array(32).fill(1)).verifierKey;
    const foreign = await verdict(['report', 'verify', out, '--key', stranger]);
    expect(foreign.code).toBe(EXIT.untrusted);
    expect(foreign.stderr).toMatch(
      /^verdict: UNTRUSTED: \S+keys\.json: the manifest is not signed by a trusted key \(signed by verdict\.local\/ledger\+[0-9a-f]{8}; trusted: verdict\.local\/ledger\+[0-9a-f]{8}\); pass --key with the signing ledger's verifier key, or --data-dir of that ledger\n$/,
    );
    expect(foreign.stderr).not.toContain('TAMPERED');
    // The wrong data directory's ledger is a key not pinned too: untrusted, not tampered.
    const elsewhere = join(work, 'other-data');
    expect((await verdict(['demo', '--no-cluster', '--data-dir', elsewhere])).code).toBe(EXIT.ok);
    const wrongDir = await verdict(['report', 'verify', out, '--data-dir', elsewhere]);
    expect(wrongDir.code, wrongDir.stderr).toBe(EXIT.untrusted);
    rmSync(`${out}.manifest`);
    const missing = await report(['verify', out]);
    expect(missing.code).toBe(EXIT.badInput);
    expect(missing.stderr).toContain('no manifest');
  }, 60_000);

  it.each([
    [
      ['--type', 'bogus', '--format', 'json', '--out', 'x'],
      '--type bogus: expected one of model-compliance, annex-iv, period-summary',
    ],
    [['--type', 'period-summary', '--format', 'json'], '--out is required'],
    [
      ['--type', 'period-summary', '--format', 'docx', '--out', 'x'],
      '--format docx: expected one of json, csv, html, pdf',
    ],
    [['--type', 'annex-iv', '--format', 'pdf', '--out', 'x'], '--model is required by the annex-iv report'],
    [
      ['--type', 'period-summary', '--format', 'csv', '--from', 'yesterday', '--out', 'x'],
      'from: not an ISO 8601 date or time: yesterday',
    ],
    [
      [
        '--type',
        'period-summary',
        '--format',
        'csv',
        '--from',
        '2026-12-01',
        '--to',
        '2026-11-01',
        '--out',
        'x',
      ],
      '--from must be before --to',
    ],
    [
      ['--type', 'annex-iv', '--model', 'no-such-model', '--format', 'pdf', '--out', 'x'],
      'no decision is recorded for model no-such-model',
    ],
  ])('exits 2 for %j', async (args, message) => {
    const run = await report(args);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain(message);
    expect(existsSync(join(work, 'x'))).toBe(false);
  });

  it('on a data directory without a ledger: "no ledger at DIR", exit 2, and nothing is created', async () => {
    const empty = join(work, 'no-ledger');
    const out = join(work, 'none.json');
    const build = await verdict([
      'report',
      '--type',
      'period-summary',
      '--format',
      'json',
      '--out',
      out,
      '--data-dir',
      empty,
    ]);
    expect(build.code).toBe(EXIT.badInput);
    expect(build.stderr).toBe(
      `verdict: no ledger at ${empty} (run \`verdict demo\` to create one, or point --data-dir or VERDICT_DATA_DIR at your data directory)\n`,
    );
    const given = join(work, 'given.json');
    writeFileSync(given, '{}');
    writeFileSync(`${given}.manifest`, 'not a note\n');
    const verify = await verdict(['report', 'verify', given, '--data-dir', empty]);
    expect(verify.code).toBe(EXIT.badInput);
    expect(verify.stderr).toBe(
      `verdict: no ledger at ${empty} to take the verifier key from: pass --key, or --data-dir of the ledger that signed\n`,
    );
    for (const file of [empty, out, `${out}.partial`, `${out}.citations.partial`])
      expect(existsSync(file), file).toBe(false);
  });

  it('a report that cannot be built leaves no file behind, partial or not', async () => {
    const out = join(work, 'unknown-model.json');
    const failed = await report([
      '--type',
      'model-compliance',
      '--format',
      'json',
      '--model',
      'no-such-model',
      '--out',
      out,
    ]);
    expect(failed.code).toBe(EXIT.badInput);
    expect(failed.stderr).toBe('verdict: no decision is recorded for model no-such-model\n');
    for (const file of [
      out,
      `${out}.partial`,
      `${out}.citations`,
      `${out}.citations.partial`,
      `${out}.manifest`,
    ])
      expect(existsSync(file), file).toBe(false);
  });

  it('verify --ledger checks every cited decision against a ledger export; an edited read model stops the build', async () => {
    const dir = join(work, 'data-vouch');
    cpSync(dataDir, dir, { recursive: true });
    const run = (args: string[]) => verdict(['report', ...args, '--data-dir', dir]);
    const out = join(work, 'vouch.pdf');
    expect((await run(['--type', 'period-summary', '--format', 'pdf', '--out', out])).code).toBe(EXIT.ok);
    const citations = readFileSync(`${out}.citations`, 'utf8');
    expect(citations.trim().split('\n')).toHaveLength(11);
    const exported = join(work, 'vouch-export');
    expect((await verdict(['ledger', 'export', '--data-dir', dir, '--out', exported])).code).toBe(EXIT.ok);
    const signer = parseSignerKey(readFileSync(join(dir, 'ledger', 'signer.key'), 'utf8'));
    const vkey = signer.verifierKey;

    const ok = await run(['verify', out, '--key', vkey, '--ledger', exported]);
    expect(ok.code, ok.stderr).toBe(EXIT.ok);
    expect(ok.stdout).toContain(
      `  11 cited ledger entries match the export in ${exported} (checkpoint size `,
    );

    // A report signed with the ledger's key that attests allow where the ledger says deny.
    const cv = JSON.parse(readFileSync(`${out}.manifest`, 'utf8').split('\n')[1] as string) as ReportManifest;
    const denied = citations.split('\n').find((l) => l.includes('"outcome":"deny"')) as string;
    const { decision: deniedId, index } = JSON.parse(denied) as { decision: string; index: number };
    const forged = citations.replace(denied, denied.replace('"outcome":"deny"', '"outcome":"allow"'));
    writeFileSync(`${out}.citations`, forged);
    const unsigned = await run(['verify', out, '--key', vkey, '--ledger', exported]);
    expect(unsigned.code).toBe(EXIT.tampered);
    expect(unsigned.stderr).toContain('the citations file is not the one the manifest signs');
    const resigned: ReportManifest = {
      ...cv,
      citations: { count: 11, sha256: createHash('sha256').update(forged).digest('hex') },
    };
    writeFileSync(`${out}.manifest`, await signManifest(resigned, signer));
    const attested = await run(['verify', out, '--key', vkey, '--ledger', exported]);
    expect(attested.code).toBe(EXIT.tampered);
    expect(attested.stderr).toBe(
      `verdict: LEDGER MISMATCH: ${out} against ${exported}:\n  - decision ${deniedId}: ledger entry ${index} says deny, the report says allow\n`,
    );

    // The read model edited directly: the build refuses, names the decision and writes nothing.
    const db = openDatabase(join(dir, 'verdict.db'));
    db.exec(`DROP TRIGGER decisions_no_update;
      UPDATE decisions SET outcome = 'allow', body = json_set(body, '$.decision', 'allow') WHERE id = '${deniedId}';`);
    db.close();
    const refusedOut = join(work, 'refused.json');
    const refused = await run(['--type', 'period-summary', '--format', 'json', '--out', refusedOut]);
    expect(refused.code).toBe(EXIT.tampered);
    expect(refused.stderr).toMatch(
      new RegExp(
        `verdict: refusing to build the report: decision ${deniedId} in the read model differs from ledger entry ${index} \\(leaf hash [A-Za-z0-9+/]{43}=\\): the read model says allow, the ledger says deny\n$`,
      ),
    );
    for (const file of [
      refusedOut,
      `${refusedOut}.citations`,
      `${refusedOut}.manifest`,
      `${refusedOut}.partial`,
    ])
      expect(existsSync(file), file).toBe(false);
  }, 120_000);
});
