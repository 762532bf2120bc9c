/**
 * `verdict decisions list | show ID` on a data directory (test/integration/cli-stack.test.ts runs them
 * against a deployed stack): the decisions the demo recorded, each checked against its ledger entry; `show`
 * adds the ledger index and the inclusion proof; a read model that no longer matches the ledger is exit 3
 * and nothing is shown; bad input is one line, exit 2.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-decisions-'));
const dataDir = join(work, 'data');
const d = ['--data-dir', dataDir];

interface Page {
  decisions: { id: string; gate: string; decision: string; subject: { group: string; version: string } }[];
  nextCursor?: string;
}

beforeAll(async () => {
  const demo = await runCli(['demo', '--no-cluster', ...d]);
  expect(demo.code, demo.stderr).toBe(0);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('verdict decisions', () => {
  it('lists the decisions as the API pages them (json) and one a line (text)', async () => {
    const json = await runCli(['decisions', 'list', '--format', 'json', ...d]);
    expect(json.code, json.stderr).toBe(0);
    const page = JSON.parse(json.stdout) as Page;
    // The demo's gate act; its deployment act: the retrained credit scorer's approval and three deployment
    // decisions (two allowed, the CV ranker's refused); its incidents: the out-of-band change to the CV ranker
    // (denied), a third version's approval and canary, and the drift alarm's monitoring decision (denied).
    expect(page.decisions.map((x) => `${x.gate} ${x.subject.group} v${x.subject.version}`)).toEqual([
      'model-registry retail-credit-scorer v1',
      'model-registry cv-ranker v1',
      'model-registry citizen-trust-score v1',
      'deployment retail-credit-scorer v1',
      'model-registry retail-credit-scorer v2',
      'deployment retail-credit-scorer v2',
      'deployment cv-ranker v1',
      'deployment cv-ranker v1',
      'model-registry retail-credit-scorer v3',
      'deployment retail-credit-scorer v3',
      'monitoring retail-credit-scorer v3',
    ]);
    const text = await runCli(['decisions', 'list', '--decision', 'deny', ...d]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.trim().split('\n')).toHaveLength(5);
    expect(text.stdout).toMatch(/ DENY {4}cv-ranker v1 {2}high {2}3 violations {2}\(model-registry gate\)\n/);
    expect(text.stdout).toMatch(/ DENY {4}cv-ranker v1 {2}high {2}1 violation {2}\(deployment gate\)\n/);
    const registry = await runCli([
      'decisions',
      'list',
      '--gate',
      'model-registry',
      '--format',
      'json',
      ...d,
    ]);
    expect((JSON.parse(registry.stdout) as Page).decisions.map((x) => x.gate)).toEqual(
      Array(5).fill('model-registry'),
    );

    const first = await runCli(['decisions', 'list', '--limit', '1', '--format', 'json', ...d]);
    const one = JSON.parse(first.stdout) as Page;
    expect(one.decisions).toHaveLength(1);
    const next = await runCli([
      'decisions',
      'list',
      '--limit',
      '1',
      '--cursor',
      one.nextCursor as string,
      '--format',
      'json',
      ...d,
    ]);
    expect((JSON.parse(next.stdout) as Page).decisions[0]?.subject.group).toBe('cv-ranker');
  });

  it('shows one decision with its ledger index and inclusion proof', async () => {
    const page = JSON.parse((await runCli(['decisions', 'list', '--format', 'json', ...d])).stdout) as Page;
    const id = page.decisions[1]?.id as string;
    const json = await runCli(['decisions', 'show', id, '--format', 'json', ...d]);
    expect(json.code, json.stderr).toBe(0);
    const shown = JSON.parse(json.stdout) as {
      id: string;
      ledger: { index: number; inclusionProof: object };
    };
    expect(shown.id).toBe(id);
    expect(shown.ledger.inclusionProof).toMatchObject({ format: 'rfc9162-inclusion-proof' });
    const text = await runCli(['decisions', 'show', id, ...d]);
    expect(text.stdout).toMatch(/^DENY: /m);
    expect(text.stdout).toMatch(
      /\nLedger: entry \d+, included in the checkpoint of size \d+ \(root \S+\)\n$/,
    );
  });

  it('refuses bad input in one line, exit 2', async () => {
    for (const [args, stderr] of [
      [['show', 'no-such-decision'], 'verdict: no decision no-such-decision\n'],
      [['show', 'not/an/id'], 'verdict: not/an/id: expected a decision id\n'],
      [['list', '--limit', '0'], 'verdict: limit must be an integer from 1 to 1000, got 0\n'],
      [
        ['list', '--cursor', 'nonsense'],
        'verdict: invalid decision cursor: pass back the nextCursor of an earlier page\n',
      ],
      [['list', '--region', 'eu-west-1'], 'verdict: --region goes with --stack\n'],
    ] as const) {
      const run = await runCli(['decisions', ...args, ...d]);
      expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }, args.join(' ')).toEqual({
        code: 2,
        stdout: '',
        stderr,
      });
    }
  });

  it('shows nothing, exit 3, when the read model no longer matches the ledger', async () => {
    const db = new Database(join(dataDir, 'verdict.db'));
    try {
      // What someone with write access to the read model could do: the trigger that refuses it is dropped.
      db.exec('DROP TRIGGER decisions_no_update');
      const row = db.prepare('SELECT id, body FROM decisions LIMIT 1').get() as { id: string; body: string };
      const changed = JSON.parse(row.body) as { decision: string };
      changed.decision = changed.decision === 'allow' ? 'deny' : 'allow';
      db.prepare('UPDATE decisions SET body = ? WHERE id = ?').run(JSON.stringify(changed), row.id);
    } finally {
      db.close();
    }
    const run = await runCli(['decisions', 'list', ...d]);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^verdict: 1 decision in the read model does not match the audit ledger; nothing is shown:\n {2}- /,
    );
  });
});
