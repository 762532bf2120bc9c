/**
 * `verdict exception`: a grant that could never waive anything (an Art. 5 prohibition, a rule no policy
 * reports, a model that does not exist) is refused with one exact message and writes nothing; a waiver in
 * force lets the next version through, and once revoked the gate denies again. The demo fills the data
 * directory; new model versions are registered and gated in-process (no CLI registers a version here).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../functions/contracts/decision.ts';
import { openLocalRuntimeAt } from '../../functions/local/runtime.ts';
import { runCli } from '../support/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-exceptions-'));
const dataDir = join(work, 'data');
const d = ['--data-dir', dataDir];
const WAIVED = ['bias.disparate_impact', 'bias.difference_in_positive_proportions', 'bias.recall_difference'];
const expires = () => new Date(Date.now() + 30 * 86_400_000).toISOString();

afterAll(() => rmSync(work, { recursive: true, force: true }));

function grant(rule: string, model = 'cv-ranker') {
  return runCli([
    'exception',
    'grant',
    '--rule',
    rule,
    '--model',
    model,
    '--approver',
    'head-of-model-risk',
    '--reason',
    'Retraining with reweighted data is scheduled for January',
    '--expires',
    expires(),
    ...d,
  ]);
}

/** What a refusal must leave untouched: the ledger's size and the exceptions read model. */
async function state() {
  const runtime = openLocalRuntimeAt(dataDir);
  try {
    const exceptions = await runtime.exceptions.listFor(['cv-ranker', 'citizen-trust-score']);
    return { ledgerSize: await (await runtime.openLedger()).size(), exceptions };
  } finally {
    await runtime.close();
  }
}

/** Registers the next cv-ranker version (same profile and bias report as v1) and gates it. */
async function gateNextCvRanker(): Promise<Decision> {
  const runtime = openLocalRuntimeAt(dataDir);
  try {
    const packages = await runtime.registry.listModelPackages({ groupName: 'cv-ranker' });
    const v1 = await runtime.registry.describeModelPackage(packages[0]?.arn ?? '');
    if (!v1) throw new Error('the demo registered no cv-ranker');
    const pkg = await runtime.registry.createModelPackage({
      groupName: 'cv-ranker',
      customerMetadata: v1.customerMetadata,
      biasReports: v1.biasReports,
    });
    await runtime.invoke('model-registry-gate', runtime.registry.toStateChangeEvent(pkg));
    const { decisions } = await runtime.decisions.list({
      filter: { model: 'cv-ranker', version: pkg.version },
    });
    if (!decisions[0]) throw new Error(`no decision for cv-ranker v${pkg.version}`);
    return decisions[0];
  } finally {
    await runtime.close();
  }
}

beforeAll(async () => {
  const demo = await runCli(['demo', '--no-cluster', ...d]);
  expect(demo.code, demo.stderr).toBe(0);
}, 120_000);

describe('verdict exception grant refuses', () => {
  it.each([
    [
      'an Art. 5 prohibition',
      ['prohibited.social_scoring', 'citizen-trust-score'],
      '  - --rule: prohibited.social_scoring cannot be waived: Art. 5 prohibitions cannot be waived\n',
    ],
    [
      'a rule that leaves Art. 5 unassessed',
      ['evidence.unreadable', 'cv-ranker'],
      '  - --rule: evidence.unreadable cannot be waived: evidence that cannot be read cannot be assessed, so it cannot be waived\n',
    ],
    [
      'a mistyped rule and a mistyped model, with what was meant',
      ['bias.disparate_impakt', 'cv-rankr'],
      '  - --rule: no policy reports bias.disparate_impakt; did you mean bias.disparate_impact?\n' +
        '  - --model: no model cv-rankr is registered or has been decided; did you mean cv-ranker?\n',
    ],
    [
      'a model that does not exist',
      ['bias.disparate_impact', 'fraud-detector'],
      '  - --model: no model fraud-detector is registered or has been decided\n',
    ],
  ])('%s, and writes nothing', async (_, [rule, model], problems) => {
    const before = await state();
    const run = await grant(rule as string, model);
    expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr: `verdict: invalid input (exception.refused)\n${problems}`,
    });
    expect(await state()).toEqual(before);
  });
});

describe('verdict exception revoke', () => {
  it('a waiver lets the next version through; once revoked the gate denies again', async () => {
    const ids: string[] = [];
    for (const rule of WAIVED) {
      const granted = await grant(rule);
      expect(granted.code, granted.stderr).toBe(0);
      ids.push((JSON.parse(granted.stdout) as { id: string }).id);
    }
    const waived = await gateNextCvRanker();
    expect(waived.decision).toBe('allow');
    expect(
      waived.violations
        .filter((v) => v.waiver)
        .map((v) => v.rule)
        .sort(),
    ).toEqual([...WAIVED].sort());

    const before = (await state()).ledgerSize;
    const revoked = await runCli([
      'exception',
      'revoke',
      ids[0] as string,
      '--reason',
      'The board withdrew its acceptance of the disparity',
      '--approver',
      'head-of-model-risk',
      ...d,
    ]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({
      id: ids[0],
      rule: WAIVED[0],
      revokedBy: 'head-of-model-risk',
      revocationReason: 'The board withdrew its acceptance of the disparity',
    });
    expect((await state()).ledgerSize).toBe(before + 1);

    const listed = await runCli(['exception', 'list', '--model', 'cv-ranker', ...d]);
    const statuses = (JSON.parse(listed.stdout) as { exceptions: { id: string; status: string }[] })
      .exceptions;
    expect(statuses.map((e) => [e.id, e.status])).toEqual([
      [ids[0], 'revoked'],
      [ids[1], 'active'],
      [ids[2], 'active'],
    ]);

    const after = await gateNextCvRanker();
    expect(after.decision).toBe('deny');
    const di = after.violations.find((v) => v.rule === WAIVED[0]);
    expect(di).toBeDefined();
    expect(di?.waiver).toBeUndefined();
  }, 60_000);

  it('refuses an unknown or an already revoked exception, and writes nothing', async () => {
    const granted = await grant('bias.metric_missing');
    expect(granted.code, granted.stderr).toBe(0);
    const id = (JSON.parse(granted.stdout) as { id: string }).id;
    const revoke = (which: string) =>
      runCli([
        'exception',
        'revoke',
        which,
        '--reason',
        'No longer needed at all',
        '--approver',
        'dpo',
        ...d,
      ]);
    const first = await revoke(id);
    expect(first.code, first.stderr).toBe(0);
    const { revokedAt } = JSON.parse(first.stdout) as { revokedAt: string };

    const before = await state();
    expect(await revoke(id)).toEqual({
      code: 2,
      stdout: '',
      stderr: `verdict: invalid input (exception.not_revocable)\n  - ID: exception ${id} was revoked at ${revokedAt} already\n`,
    });
    expect(await revoke('exception-0000')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'verdict: invalid input (exception.not_revocable)\n  - ID: no exception has the id exception-0000\n',
    });
    expect(await state()).toEqual(before);
  }, 60_000);
});
