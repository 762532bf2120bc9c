import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localPolicyEngine, staleBundleWarning } from '../../../functions/local/local-policy-engine.ts';

describe('the warning for a policy bundle older than policies/', () => {
  let policies: string;
  let bundle: string;
  const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

  beforeEach(() => {
    policies = mkdtempSync(join(tmpdir(), 'verdict-policies-'));
    for (const dir of ['lib', 'verdict/config/bias', 'build'])
      mkdirSync(join(policies, dir), { recursive: true });
    for (const file of [
      'lib/bias.rego',
      'lib/bias_test.rego',
      'verdict/config/bias/data.json',
      'VERSION',
      'README.md',
    ]) {
      writeFileSync(join(policies, file), '');
      at(join(policies, file), 1_000);
    }
    bundle = join(policies, 'build/bundle.tar.gz');
    writeFileSync(bundle, '');
    at(bundle, 2_000);
  });
  afterEach(() => rmSync(policies, { recursive: true, force: true }));

  it('says nothing while the bundle is newer than every policy input', () => {
    expect(staleBundleWarning(bundle, policies)).toBeUndefined();
  });

  it('names the newest changed rule file and how to rebuild', () => {
    at(join(policies, 'verdict/config/bias/data.json'), 3_000);
    at(join(policies, 'lib/bias.rego'), 4_000);
    const warning = staleBundleWarning(bundle, policies);
    expect(warning).toMatch(
      /^warning: .*lib\/bias\.rego changed after the policy bundle was built \(.*build\/bundle\.tar\.gz\)/,
    );
    expect(warning).toContain('npm run build:policies');
  });

  it('counts data documents and VERSION, which the build reads', () => {
    at(join(policies, 'VERSION'), 3_000);
    expect(staleBundleWarning(bundle, policies)).toContain('VERSION changed');
  });

  it('ignores tests, documentation and build/, which are not in the bundle', () => {
    at(join(policies, 'lib/bias_test.rego'), 3_000);
    at(join(policies, 'README.md'), 3_000);
    writeFileSync(join(policies, 'build/other.rego'), '');
    at(join(policies, 'build/other.rego'), 3_000);
    expect(staleBundleWarning(bundle, policies)).toBeUndefined();
  });

  it('leaves a missing bundle to fail on its own', () => {
    expect(staleBundleWarning(join(policies, 'build/none.tar.gz'), policies)).toBeUndefined();
  });

  it('is not checked for an explicitly given bundle (Lambda and tests name theirs)', async () => {
    const warnings: string[] = [];
    at(join(policies, 'lib/bias.rego'), 4_000);
    const engine = localPolicyEngine(bundle, (line) => warnings.push(line));
    await expect(engine()).rejects.toThrow();
    expect(warnings).toEqual([]);
  });
});
