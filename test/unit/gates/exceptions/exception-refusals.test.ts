/**
 * `exception grant` refuses what could never waive anything, and `exception revoke` ends a waiver: the rule
 * catalogue is the policy bundle's own (checked against every rule id written in policies/ and in the
 * gate), non-waivability comes from the policy data the gate reads, and a refusal writes nothing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLocalPersonalData } from '../../../../functions/adapters/local/ledger/personal-data.ts';
import { openDatabase } from '../../../../functions/adapters/local/sqlite-database.ts';
import {
  EXCEPTIONS_IMMUTABLE_MESSAGE,
  SqliteExceptionStore,
} from '../../../../functions/adapters/local/sqlite-exception-store.ts';
import { exceptionStatusAt } from '../../../../functions/contracts/exception.ts';
import { ExceptionRefusedError } from '../../../../functions/gates/exceptions/errors.ts';
import { grantException, openException } from '../../../../functions/gates/exceptions/grant-exception.ts';
import { revokeException } from '../../../../functions/gates/exceptions/revoke-exception.ts';
import { GATE_RULES } from '../../../../functions/gates/exceptions/rule-catalogue.ts';
import { SOURCE_ROOT } from '../../../../functions/shared/source-root.ts';
import { admissionFor, bundleRules, NOW, request } from '../../../support/exception-admission.ts';

const { personal } = openLocalPersonalData();

async function refusal(run: Promise<unknown>): Promise<{ code: string; problems: string[] }> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExceptionRefusedError);
  return { code: (error as ExceptionRefusedError).code, problems: (error as ExceptionRefusedError).problems };
}

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'build' ? [] : files(path, pattern);
    return pattern.test(name) ? [path] : [];
  });
}

describe('the rule catalogue', () => {
  it('holds every rule id written in the policies and the gate, and nothing else', () => {
    const written = new Set<string>();
    for (const file of files(join(SOURCE_ROOT, 'policies'), /^(?!.*_test\.rego$).*\.(rego|json)$/)) {
      for (const [, rule] of readFileSync(file, 'utf8').matchAll(
        /"rule":\s*"([a-z][a-z0-9_]*\.[a-z0-9_.]+)"/g,
      )) {
        written.add(rule as string);
      }
    }
    const gate = new Set<string>();
    for (const file of files(join(SOURCE_ROOT, 'functions/gates'), /\.ts$/)) {
      for (const [, rule] of readFileSync(file, 'utf8').matchAll(/'(gate\.[a-z_]+)'/g))
        gate.add(rule as string);
    }
    expect([...gate].sort()).toEqual([...GATE_RULES]);
    expect(bundleRules().rules).toEqual([...new Set([...written, ...gate])].sort());
    expect(bundleRules().rules).toContain('prohibited.social_scoring');
  });

  it('marks as never waivable the Art. 5 prohibitions, the unreadable inputs, the fail-closed rules, a deployment without a standing allow or a price, and the monitoring re-gates', () => {
    const rules = bundleRules();
    const never = rules.rules.filter((rule) => rules.refusal(rule) !== undefined);
    expect(never.filter((r) => r.startsWith('monitoring.'))).toEqual([
      'monitoring.alarm_during_bake',
      'monitoring.bias_drift',
      'monitoring.bias_drift_high_risk',
      'monitoring.data_drift',
      'monitoring.input_invalid',
      'monitoring.risk_class_unknown',
      'monitoring.service_degraded',
    ]);
    expect(
      never.filter(
        (r) => !r.startsWith('prohibited.') && !r.startsWith('gate.') && !r.startsWith('monitoring.'),
      ),
    ).toEqual([
      'deployment.approval_missing',
      'deployment.approval_not_allow',
      'deployment.approval_revoked',
      'deployment.digest_mismatch',
      'deployment.price_unknown',
      'evidence.unreadable',
      'profile.invalid',
      'profile.missing',
      'profile.unclassifiable',
    ]);
    expect(never).toEqual(expect.arrayContaining([...GATE_RULES, 'prohibited.social_scoring']));
    expect(rules.waivable()).toContain('bias.disparate_impact');
    expect(rules.waivable()).toContain('deployment.cost_over_budget');
    expect(rules.waivable()).not.toContain('prohibited.manipulation');
  });
});

describe('exception grant refuses', () => {
  const cases: [string, Partial<typeof request>, string[]][] = [
    [
      'an Art. 5 prohibition',
      { rule: 'prohibited.social_scoring' },
      ['rule: prohibited.social_scoring cannot be waived: Art. 5 prohibitions cannot be waived'],
    ],
    [
      'a rule whose failure leaves Art. 5 unassessed',
      { rule: 'profile.missing' },
      [
        'rule: profile.missing cannot be waived: without a readable AI-system profile the Art. 5 prohibitions cannot be assessed',
      ],
    ],
    [
      'a fail-closed rule',
      { rule: 'gate.policy_error' },
      [
        'rule: gate.policy_error cannot be waived: the gate could not decide (fail closed), so there is nothing to waive',
      ],
    ],
    [
      'a mistyped rule, with the rule meant',
      { rule: 'bias.disparate_impakt' },
      ['rule: no policy reports bias.disparate_impakt; did you mean bias.disparate_impact?'],
    ],
    [
      'a rule no policy reports',
      { rule: 'style.tabs_not_spaces' },
      ['rule: no policy reports style.tabs_not_spaces'],
    ],
    [
      'a mistyped model, with the model meant',
      { subject: 'cv-rankr' },
      ['subject: no model cv-rankr is registered or has been decided; did you mean cv-ranker?'],
    ],
    [
      'both at once',
      { rule: 'prohibited.manipulation', subject: 'credit-scorer' },
      [
        'rule: prohibited.manipulation cannot be waived: Art. 5 prohibitions cannot be waived',
        'subject: no model credit-scorer is registered or has been decided',
      ],
    ],
  ];
  it.each(cases)('%s, and stores nothing', async (_, change, problems) => {
    const exceptions = new SqliteExceptionStore(openDatabase(':memory:'));
    expect(
      await refusal(grantException({ ...request, ...change }, exceptions, NOW, personal, admissionFor())),
    ).toEqual({ code: 'exception.refused', problems });
    expect(await exceptions.listFor(['cv-ranker', 'cv-rankr', 'credit-scorer'])).toEqual([]);
  });
});

describe('exception revoke', () => {
  it('records who and why, sealed, beside the grant, and the exception is revoked from then on', async () => {
    const db = openDatabase(':memory:');
    const exceptions = new SqliteExceptionStore(db);
    const granted = await grantException(request, exceptions, NOW, personal, admissionFor());
    const at = new Date('2026-12-01T09:00:00Z');
    const revoked = await revokeException(
      {
        id: granted.id,
        reason: 'The retraining landed; the waiver is no longer needed',
        approver: 'Bob.Jones@example.com',
      },
      exceptions,
      at,
      personal,
    );

    expect(revoked).toMatchObject({ ...granted, revokedAt: at.toISOString() });
    expect(await exceptions.listFor(['cv-ranker'])).toEqual([revoked]);
    expect(await openException(revoked, personal)).toMatchObject({
      revokedBy: 'Bob.Jones@example.com',
      revocationReason: 'The retraining landed; the waiver is no longer needed',
    });
    expect(JSON.stringify(db.prepare('SELECT * FROM exception_revocations').all()).toLowerCase()).not.toMatch(
      /bob\.jones|retraining landed/,
    );
    expect(exceptionStatusAt(revoked, new Date('2026-11-30T00:00:00Z'))).toBe('active');
    expect(exceptionStatusAt(revoked, at)).toBe('revoked');
    expect(() => db.prepare('DELETE FROM exception_revocations').run()).toThrow(EXCEPTIONS_IMMUTABLE_MESSAGE);
  });

  it('refuses an unknown or an already revoked exception', async () => {
    const exceptions = new SqliteExceptionStore(openDatabase(':memory:'));
    const granted = await grantException(request, exceptions, NOW, personal, admissionFor());
    const revocation = { reason: 'The retraining landed early', approver: 'bob' };
    expect(
      await refusal(revokeException({ ...revocation, id: 'exception-nope' }, exceptions, NOW, personal)),
    ).toEqual({ code: 'exception.not_revocable', problems: ['id: no exception has the id exception-nope'] });
    await revokeException({ ...revocation, id: granted.id }, exceptions, NOW, personal);
    expect(
      await refusal(revokeException({ ...revocation, id: granted.id }, exceptions, new Date(), personal)),
    ).toEqual({
      code: 'exception.not_revocable',
      problems: [`id: exception ${granted.id} was revoked at ${NOW.toISOString()} already`],
    });
  });
});
