/**
 * End to end through the CLI: `verdict demo` registers three sample models and gates them; `verdict serve`
 * then serves the decisions it stored (to a bearer token from `verdict token create`) and takes new events
 * over HTTP. The last part drives the HTTP API in-process, where the test can register a model in the
 * embedded registry itself.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateTokenSigningKey } from '../../functions/adapters/local/token-key-file.ts';
import { issueToken } from '../../functions/api/auth/bearer-tokens.ts';
import type { Decision, Rejection } from '../../functions/contracts/decision.ts';
import { PROFILE_METADATA_KEY } from '../../functions/gates/model-registry/governance-inputs.ts';
import { parseSignerKey } from '../../functions/ledger/core/note-keys.ts';
import { createLocalServer } from '../../functions/local/http/server.ts';
import { type LocalRuntime, openLocalRuntimeAt } from '../../functions/local/runtime.ts';
import type { DecisionPage } from '../../functions/ports/decision-store.ts';
import { CLI, type CliRun, listeningUrl, ROOT, runCli, spawnCli, userEnv } from '../support/cli.ts';

const SAMPLES = join(ROOT, 'functions/local/demo/samples');
const BUNDLE = join(ROOT, 'policies/build/bundle.tar.gz');
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

const verdict = (args: string[]) => runCli(args, { maxBuffer: 16 * 1024 * 1024 });

/** The lines of the demo's report about one model: from its heading to the next blank line. */
function section(output: string, group: string): string {
  const start = output.indexOf(`\n${group} v`);
  expect(start, `no section for ${group} in:\n${output}`).toBeGreaterThanOrEqual(0);
  const end = output.indexOf('\n\n', start + 1);
  return output.slice(start + 1, end === -1 ? undefined : end);
}

/** The lines of the demo's report about one incident: its heading and the indented lines under it. */
function incident(output: string, story: string): string {
  const start = output.indexOf(`\n${story}: `);
  expect(start, `no incident ${story} in:\n${output}`).toBeGreaterThanOrEqual(0);
  const lines = output.slice(start + 1).split('\n');
  const end = lines.findIndex((line, i) => i > 0 && !line.startsWith('  '));
  return lines.slice(0, end).join('\n');
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

interface HttpResult<T = unknown> {
  status: number;
  contentType: string | null;
  body: T;
}

/** The bearer token the API calls carry (POST /events needs none). */
const auth = { token: '' };

async function http<T = unknown>(
  base: string,
  path: string,
  init: { method?: string; body?: string } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = auth.token ? { authorization: `Bearer ${auth.token}` } : {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, { method: init.method ?? 'GET', body: init.body, headers });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: JSON.parse(text) as T,
  };
}

interface PutEventsResponse {
  FailedEntryCount: number;
  Entries: ({ EventId: string } | { ErrorCode: string; ErrorMessage: string })[];
}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: string[];
}

const workDir = mkdtempSync(join(tmpdir(), 'verdict-e2e-demo-'));
const dataDir = join(workDir, 'data');
const jsonDataDir = join(workDir, 'data-json');

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('verdict demo, then verdict serve on its data', () => {
  let text: CliRun;
  let json: CliRun;
  let server: ChildProcess | undefined;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  let base = '';

  beforeAll(async () => {
    // Separate data dirs: a second demo run on one would append to its ledger.
    [text, json] = await Promise.all([
      verdict(['demo', '--no-cluster', '--data-dir', dataDir]),
      verdict(['demo', '--no-cluster', '--data-dir', jsonDataDir, '--json']),
    ]);
  });

  afterAll(() => {
    if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  });

  it('gates the three sample models and reports each outcome', () => {
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    const out = text.stdout;
    expect(out).toContain('Verdict demo: 3 model versions registered in the embedded model registry');

    const credit = section(out, 'retail-credit-scorer');
    expect(credit).toMatch(/^retail-credit-scorer v1 \(compliant\): ALLOW -> Approved/);
    expect(credit).not.toContain('  x ');

    const cv = section(out, 'cv-ranker');
    expect(cv).toMatch(/^cv-ranker v1 \(bias violation\): DENY -> Rejected/);
    expect(cv).toContain('x bias.disparate_impact [high] DI < 0.8');

    const citizen = section(out, 'citizen-trust-score');
    expect(citizen).toMatch(
      /^citizen-trust-score v1 \(prohibited use\): DENY -> Rejected, risk class prohibited/,
    );
    expect(citizen).toMatch(/x prohibited\.social_scoring \[critical\] Art\. 5\(1\)\(c\)/);

    expect(out).toMatch(
      new RegExp(`^redelivered event ${UUID.source}: no second decision, no second status change$`, 'm'),
    );
    expect(out).not.toContain('UNEXPECTED');
    expect(out).toContain(`Decisions are stored in ${dataDir}.`);
  });

  it('then re-gates two incidents on the live credit scorer: an out-of-band change, restored, and a drift alarm, rolled back', () => {
    const out = text.stdout;
    const outOfBand = incident(out, 'out of band');
    expect(outOfBand).toMatch(
      /^out of band: credit-scorer-prod pointed at cv-ranker v1 through the SageMaker API \(mode restore\): DENY\n {2}deployment gate, decision /,
    );
    expect(outOfBand).toContain('x deployment.out_of_band [critical] Art. 15(5)');
    expect(outOfBand).toMatch(
      /UpdateEndpoint by arn:aws:iam::\d{12}:role\/local-operator \(CloudTrail event \S+\) changed sagemaker:credit-scorer-prod outside Verdict: it now serves arn:aws:sagemaker:[\w-]+:\d{12}:model-package\/cv-ranker\/1, /,
    );
    expect(outOfBand).toMatch(
      /Remediation \(mode restore\): the endpoint config of deployment \S+ is restored\./,
    );
    expect(outOfBand).toContain(
      '  restored the last promoted deployment (InService): credit-scorer-prod serves retail-credit-scorer v2 again',
    );
    const drift = incident(out, 'drift');
    expect(drift).toMatch(
      /^drift: alarm credit-scorer-data-drift fires while retail-credit-scorer v3 bakes as a canary on credit-scorer-prod: DENY\n {2}monitoring gate, decision /,
    );
    expect(drift).toContain('x monitoring.alarm_during_bake [high]');
    expect(drift).toContain(
      '  rollback: the canary is rolled-back, credit-scorer-prod serves retail-credit-scorer v2',
    );
    expect(drift).toMatch(/^ {2}steps gate -> plan -> apply -> baking -> rollback {3}deployment /m);
    expect(out).toMatch(
      /^Audit ledger: 39 entries \(decisions and the actions they caused\), signed checkpoint:$/m,
    );
  });

  it("prints a verify command that pins the log's key, exporting inside the data dir, and it passes", async () => {
    const printed = text.stdout.match(
      /^ {2}npx verdict ledger export --data-dir (\S+) --out (\S+) && npx verdict ledger verify (\S+) --key '([^']+)'$/m,
    );
    expect(printed?.[1]).toBe(dataDir);
    const out = printed?.[2] ?? '';
    expect(out).toMatch(new RegExp(`^${dataDir}/exports/ledger-\\d+$`));
    expect(printed?.[3]).toBe(out);
    const signer = parseSignerKey(readFileSync(join(dataDir, 'ledger', 'signer.key'), 'utf8'));
    expect(printed?.[4]).toBe(signer.verifierKey);
    expect((await verdict(['ledger', 'export', '--data-dir', dataDir, '--out', out])).code).toBe(0);
    const verified = await verdict(['ledger', 'verify', out, '--key', printed?.[4] ?? '']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stderr).not.toContain('warning');
  });

  it('keeps its stores, SQLite included, in the data dir', () => {
    expect(existsSync(join(dataDir, 'verdict.db'))).toBe(true);
    expect(existsSync(join(jsonDataDir, 'verdict.db'))).toBe(true);
  });

  it('--json prints the three decisions, each pinned to the policy bundle it was made with', () => {
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    const decisions = JSON.parse(json.stdout) as Decision[];
    expect(decisions).toHaveLength(3);
    expect(decisions.map((d) => [d.subject.group, d.decision])).toEqual([
      ['retail-credit-scorer', 'allow'],
      ['cv-ranker', 'deny'],
      ['citizen-trust-score', 'deny'],
    ]);

    const version = readFileSync(join(ROOT, 'policies/VERSION'), 'utf8').trim();
    const bundleSha256 = sha256(BUNDLE);
    for (const decision of decisions) {
      expect(decision.policy.bundleSha256).toBe(bundleSha256);
      expect(decision.policy.version).toBe(version);
      expect(decision.id).toMatch(UUID);
    }

    const [, cv, citizen] = decisions;
    const di = cv?.violations.find((v) => v.rule === 'bias.disparate_impact');
    expect(di?.reference).toBe('DI < 0.8');
    const value = Number(/is (\d+(?:\.\d+)?)/.exec(di?.message ?? '')?.[1]);
    expect(value).toBeLessThan(0.8);
    expect(citizen?.violations.map((v) => v.reference)).toContain('Art. 5(1)(c)');
  });

  it('verdict serve --port 0 listens on an ephemeral port and announces it on stderr', async () => {
    const child = spawnCli(['serve', '--port', '0', '--data-dir', dataDir], ['ignore', 'pipe', 'pipe']);
    server = child;
    exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    base = await listeningUrl(child);
    expect(Number(new URL(base).port)).toBeGreaterThan(0);
  });

  it('answers the API with 401 until given a token from verdict token create', async () => {
    const anonymous = await http<Problem>(base, '/decisions');
    expect(anonymous.status).toBe(401);
    const created = await verdict(['token', 'create', '--role', 'compliance-officer', '--data-dir', dataDir]);
    expect(created.code).toBe(0);
    auth.token = created.stdout.trim();
    expect(auth.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it("GET /decisions lists the demo's decisions: the registry gate's and the deployment gate's", async () => {
    const { status, contentType, body } = await http<DecisionPage>(base, '/decisions');
    expect(status).toBe(200);
    expect(contentType).toBe('application/json');
    const registry = body.decisions.filter((d) => d.gate === 'model-registry');
    expect(registry.map((d) => `${d.subject.group} v${d.subject.version}`).sort()).toEqual([
      'citizen-trust-score v1',
      'cv-ranker v1',
      'retail-credit-scorer v1',
      'retail-credit-scorer v2',
      'retail-credit-scorer v3',
    ]);
    // Each registry decision pins the digest of the artifact it approved.
    for (const decision of registry) expect(decision.subject.artifactDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const gated = body.decisions.filter((d) => d.gate === 'deployment');
    // The deployment gate decided on four requests and on one change made outside Verdict (CloudTrail's record).
    const outOfBand = gated.filter((d) => d.trigger.detailType === 'AWS API Call via CloudTrail');
    const deployments = gated.filter((d) => !outOfBand.includes(d));
    expect(deployments.map((d) => d.decision).sort()).toEqual(['allow', 'allow', 'allow', 'deny']);
    expect(outOfBand.map((d) => [d.decision, d.violations.map((v) => v.rule)])).toEqual([
      ['deny', ['deployment.out_of_band']],
    ]);
    const monitoring = body.decisions.filter((d) => d.gate === 'monitoring');
    expect(monitoring.map((d) => [d.decision, d.violations.map((v) => v.rule)])).toEqual([
      ['deny', ['monitoring.alarm_during_bake']],
    ]);
    expect(body.decisions).toHaveLength(registry.length + gated.length + monitoring.length);
    // The ids the demo printed are the ones stored: the first act's decisions, and each deployment's decision.
    const printed = [...text.stdout.matchAll(new RegExp(`^ {2}decision (${UUID.source})$`, 'gm'))].map(
      (m) => m[1],
    );
    expect(printed).toHaveLength(3);
    for (const id of printed) expect(registry.map((d) => d.id)).toContain(id);
    const deployed = [
      ...text.stdout.matchAll(new RegExp(`^ {2}steps .* deployment (${UUID.source})$`, 'gm')),
    ].map((m) => m[1]);
    expect(deployed.sort()).toEqual(deployments.map((d) => d.id).sort());
    const incidents = [
      ...text.stdout.matchAll(new RegExp(`^ {2}(\\w+) gate, decision (${UUID.source})$`, 'gm')),
    ];
    expect(incidents.map((m) => [m[1], m[2]])).toEqual([
      ['deployment', outOfBand[0]?.id],
      ['monitoring', monitoring[0]?.id],
    ]);
  });

  it('GET /decisions/<id> returns one decision; an unknown id is a 404 problem', async () => {
    const { body: page } = await http<DecisionPage>(base, '/decisions');
    const cv = page.decisions.find((d) => d.subject.group === 'cv-ranker');
    expect(cv).toBeDefined();
    const one = await http<Decision & { ledger?: unknown }>(base, `/decisions/${cv?.id}`);
    expect(one.status).toBe(200);
    const { ledger, ...stored } = one.body;
    expect(stored).toEqual(cv);
    // Its place in the audit ledger, proved against the latest signed checkpoint.
    expect(ledger).toMatchObject({
      index: expect.any(Number),
      inclusionProof: { format: 'rfc9162-inclusion-proof', entry: expect.stringContaining(cv?.id ?? '?') },
      checkpoint: { text: expect.stringContaining('verdict.local/ledger'), size: expect.any(Number) },
    });

    const missing = await http<Problem>(base, '/decisions/00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.contentType).toBe('application/problem+json');
    expect(missing.body).toMatchObject({ status: 404, title: 'Not found' });
  });

  it('POST /events for a package the registry does not hold: accepted, then rejected, no decision', async () => {
    const arn = 'arn:aws:sagemaker:local-1:000000000000:model-package/no-such-group/7';
    const detail = {
      ModelPackageGroupName: 'no-such-group',
      ModelPackageVersion: 7,
      ModelPackageArn: arn,
      ModelApprovalStatus: 'PendingManualApproval',
      ModelPackageStatus: 'Completed',
    };
    const put = await http<PutEventsResponse>(base, '/events', {
      method: 'POST',
      body: JSON.stringify({
        Entries: [
          {
            Source: 'aws.sagemaker',
            DetailType: 'SageMaker Model Package State Change',
            Detail: JSON.stringify(detail),
            Resources: [arn],
          },
        ],
      }),
    });
    expect(put.status).toBe(200);
    expect(put.body.FailedEntryCount).toBe(0);
    const [entry] = put.body.Entries;
    expect(entry).toEqual({ EventId: expect.stringMatching(UUID) });
    const eventId = entry && 'EventId' in entry ? entry.EventId : '';

    const { status, body } = await http<{ rejections: Rejection[] }>(base, '/rejections');
    expect(status).toBe(200);
    const rejection = body.rejections.find((r) => r.eventId === eventId);
    expect(rejection).toMatchObject({ gate: 'model-registry', code: 'model_package.not_found' });
    expect(rejection?.message).toContain(arn);

    const { body: page } = await http<DecisionPage>(base, '/decisions');
    expect(page.decisions).toHaveLength(11);
    expect(page.decisions.some((d) => d.subject.id === arn)).toBe(false);
  });

  it('POST /events answers bad requests with problem details', async () => {
    const malformed = await http<Problem>(base, '/events', { method: 'POST', body: '{"Entries": [' });
    expect(malformed.status).toBe(400);
    expect(malformed.contentType).toBe('application/problem+json');
    expect(malformed.body.title).toBe('Malformed JSON');

    const empty = await http<Problem>(base, '/events', { method: 'POST', body: '{"Entries": []}' });
    expect(empty.status).toBe(400);
    expect(empty.contentType).toBe('application/problem+json');
    expect(empty.body.title).toBe('Invalid PutEvents request');
    expect(empty.body.errors).toEqual([expect.stringMatching(/^Entries: /)]);
  });

  it('POST /events with a body over 1 MiB is a 413, and the server keeps serving', async () => {
    // Far past the limit the server answers while the client is still sending; the unread rest of the
    // body must not poison the connection for the next request.
    const MiB = 1024 * 1024;
    for (const bytes of [MiB + 1, 3 * MiB, 3 * MiB, 3 * MiB, 3 * MiB, 3 * MiB, 3 * MiB, MiB + 1]) {
      const tooLarge = await http<Problem>(base, '/events', { method: 'POST', body: 'x'.repeat(bytes) });
      expect(tooLarge.status, `${bytes} bytes`).toBe(413);
      expect(tooLarge.contentType).toBe('application/problem+json');
      expect(tooLarge.body.title).toBe('Payload too large');
    }
    expect((await http(base, '/health')).body).toEqual({ status: 'ok' });
  });

  it('stops cleanly on SIGTERM', async () => {
    server?.kill('SIGTERM');
    const result = await exited;
    expect(result).toEqual({ code: 0, signal: null });
  });
});

describe('the local event path through the HTTP API (in-process)', () => {
  const BUCKET = 's3://verdict-e2e-governance';
  let runtime: LocalRuntime;
  let server: ReturnType<typeof createLocalServer>;
  let base = '';

  beforeAll(async () => {
    runtime = openLocalRuntimeAt(join(workDir, 'in-process'), { environment: 'e2e' });
    server = createLocalServer(runtime);
    const { privateKey } = loadOrCreateTokenSigningKey(join(workDir, 'in-process'));
    auth.token = (await issueToken(privateKey, { role: 'auditor', subject: 'e2e', ttlSeconds: 600 })).token;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    runtime.close();
  });

  async function register(group: string, sample: string) {
    const profile = `${BUCKET}/${group}/profile.json`;
    const report = `${BUCKET}/${group}/clarify/analysis.json`;
    await runtime.objects.put(
      profile,
      readFileSync(join(SAMPLES, `${sample}.profile.json`)),
      'application/json',
    );
    await runtime.objects.put(
      report,
      readFileSync(join(SAMPLES, `${sample}.analysis.json`)),
      'application/json',
    );
    await runtime.registry.createModelPackageGroup(group);
    return runtime.registry.createModelPackage({
      groupName: group,
      customerMetadata: { [PROFILE_METADATA_KEY]: profile },
      biasReports: { postTraining: report },
    });
  }

  function entryFor(pkg: Awaited<ReturnType<typeof register>>) {
    const event = runtime.registry.toStateChangeEvent(pkg);
    return {
      Source: event.source,
      DetailType: event['detail-type'],
      Detail: JSON.stringify(event.detail),
      Resources: event.resources,
    };
  }

  it('a registered package posted as a PutEvents entry is gated, its status set and the decision listed', async () => {
    const credit = await register('e2e-credit-scorer', 'credit-scorer');
    const cv = await register('e2e-cv-ranker', 'cv-ranker');
    expect(credit.approvalStatus).toBe('PendingManualApproval');

    const put = await http<PutEventsResponse>(base, '/events', {
      method: 'POST',
      body: JSON.stringify({ Entries: [entryFor(credit), entryFor(cv)] }),
    });
    expect(put.status).toBe(200);
    expect(put.body.FailedEntryCount).toBe(0);
    const eventIds = put.body.Entries.map((e) => ('EventId' in e ? e.EventId : e.ErrorCode));
    expect(await runtime.bus.deadLetters.list()).toEqual([]);

    expect((await runtime.registry.describeModelPackage(credit.arn))?.approvalStatus).toBe('Approved');
    expect((await runtime.registry.describeModelPackage(cv.arn))?.approvalStatus).toBe('Rejected');
    expect((await runtime.registry.statusHistory(cv.arn)).map((h) => h.status)).toEqual([
      'PendingManualApproval',
      'Rejected',
    ]);

    const { status, body } = await http<DecisionPage>(base, '/decisions');
    expect(status).toBe(200);
    const byArn = new Map(body.decisions.map((d) => [d.subject.id, d]));
    expect(byArn.get(credit.arn)).toMatchObject({
      decision: 'allow',
      violations: [],
      trigger: { eventId: eventIds[0], source: 'aws.sagemaker' },
    });
    expect(byArn.get(cv.arn)).toMatchObject({ decision: 'deny', trigger: { eventId: eventIds[1] } });
    expect(byArn.get(cv.arn)?.violations.map((v) => v.rule)).toContain('bias.disparate_impact');
    const approval = (await runtime.registry.describeModelPackage(cv.arn))?.approvalDescription;
    expect(approval).toContain(byArn.get(cv.arn)?.id);

    // The same state change posted again is a new event, but the package is no longer pending: no new decision.
    const again = await http<PutEventsResponse>(base, '/events', {
      method: 'POST',
      body: JSON.stringify({ Entries: [entryFor(credit)] }),
    });
    expect(again.status).toBe(200);
    expect(again.body.FailedEntryCount).toBe(0);
    const after = await http<DecisionPage>(base, '/decisions');
    expect(after.body.decisions).toHaveLength(2);
    expect((await runtime.registry.statusHistory(credit.arn)).map((h) => h.status)).toEqual([
      'PendingManualApproval',
      'Approved',
    ]);
  });
});

describe('verdict demo on the one default data directory', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'verdict-e2e-demo-default-'));
  const defaultDir = join(cwd, '.verdict');
  const inCwd = (args: string[]) => runCli(args, { cwd, env: userEnv() });
  /** A printed command line, run by a shell as printed (`npx verdict` is this checkout's CLI). */
  const asPrinted = (line: string) =>
    new Promise<CliRun>((resolve) => {
      execFile(
        'bash',
        ['-c', `npx() { shift; node "$VERDICT_CLI" "$@"; }; ${line}`],
        { cwd, env: { ...userEnv(), VERDICT_CLI: CLI } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  const printedExport = (stdout: string) =>
    stdout.match(
      /^ {2}(npx verdict ledger export --out (\S+) && npx verdict ledger verify \S+ --key '[^']+')$/m,
    );
  const signerKey = () => parseSignerKey(readFileSync(join(defaultDir, 'ledger', 'signer.key'), 'utf8'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('writes .verdict, where every other command looks, and its printed commands run as printed', async () => {
    const first = await inCwd(['demo', '--no-cluster']);
    expect(first.code, first.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual(['.verdict']);
    expect(first.stdout).toContain('Decisions are stored in .verdict. Verify the ledger offline with:');
    expect(first.stdout).toContain('  npx verdict serve   then GET http://127.0.0.1:8787/decisions');
    const printed = printedExport(first.stdout);
    expect(printed?.[2]).toMatch(/^\.verdict\/exports\/ledger-\d+$/);
    const run = await asPrinted(printed?.[1] ?? 'false');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^verdict: OK: \d+ entries, 1 signed checkpoint, latest size \d+ root /m);
    // Nothing outside the data directory: no untracked export folder next to it.
    expect(readdirSync(cwd)).toEqual(['.verdict']);
  });

  it('run again, registers the next versions and appends to the same ledger under the same key', async () => {
    const key = signerKey().verifierKey;
    const second = await inCwd(['demo', '--no-cluster']);
    expect(second.code, second.stderr).toBe(0);
    // The first run's retrained credit scorers were v2 and v3: the next compliant version is v4, rolled out by
    // canary; the incidents find the endpoint serving it.
    expect(second.stdout).toMatch(/^retail-credit-scorer v4 \(compliant\): ALLOW -> Approved/m);
    expect(second.stdout).toMatch(
      /^retail-credit-scorer v4 \(approved\) -> sagemaker:credit-scorer-prod \(prod\): PROMOTED\n {2}steps gate -> plan -> apply -> baking -> promote /m,
    );
    expect(second.stdout).toMatch(
      /^ {2}rollback: the canary is rolled-back, credit-scorer-prod serves retail-credit-scorer v5$/m,
    );
    expect(second.stdout).toMatch(
      /^Audit ledger: \d+ entries \(.*\), appended to the existing ledger, signed/m,
    );
    expect(signerKey().verifierKey).toBe(key);
    expect(second.stdout).toContain(`--key '${key}'`);
    // Its export goes to a new directory, so the printed commands run again.
    const run = await asPrinted(printedExport(second.stdout)?.[1] ?? 'false');
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(join(defaultDir, 'exports'))).toHaveLength(2);
  });

  it('--reset starts from an empty data directory', async () => {
    const reset = await inCwd(['demo', '--no-cluster', '--reset']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(/^retail-credit-scorer v1 \(compliant\)/m);
    expect(reset.stdout).not.toContain('appended');
    expect(existsSync(join(defaultDir, 'exports'))).toBe(false);
  });
});
