/**
 * `npm run demo` runs `scripts/setup.sh demo`, which installs only what the demo runs on; `npm run setup`
 * and `npm test` run every step. The steps only the tests need must stay behind the `all` mode.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../support/cli.ts';

const setup = readFileSync(join(ROOT, 'scripts/setup.sh'), 'utf8');
const scripts = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/** The `if` line that opens the block (or condition) in which `marker` first appears. */
function guardOf(marker: string): string {
  const lines = setup.split('\n');
  const at = lines.findIndex((line) => line.includes(marker));
  expect(at, marker).toBeGreaterThan(0);
  const opening = lines.slice(0, at + 1).findLastIndex((line) => /^if /.test(line));
  return lines[opening] ?? '';
}

describe('scripts/setup.sh', () => {
  it('is valid bash', () => {
    execFileSync('bash', ['-n', join(ROOT, 'scripts/setup.sh')]);
  });

  it('the demo sets up in demo mode, the tests in full', () => {
    expect(scripts.demo).toMatch(/^bash scripts\/setup\.sh demo && /);
    expect(scripts.setup).toBe('bash scripts/setup.sh');
    expect(scripts.test).toMatch(/^npm run setup && /);
  });

  it('installs the emulator, poppler and Chromium, Regal, the Event Ruler oracle and the Kubernetes control plane only in full mode', () => {
    for (const marker of [
      'python3 -m venv',
      'bash scripts/build-kube.sh >',
      'apt-get install -y -qq --no-install-recommends poppler-utils',
      'go tool regal',
      'mvn -q',
    ])
      expect(guardOf(marker), marker).toContain('[ "$mode" = all ]');
  });

  it('builds what the demo runs on in either mode', () => {
    for (const marker of [
      'npm ci',
      'go tool opa version',
      'scripts/build-policies.ts',
      'scripts/build-cli.ts',
    ])
      expect(guardOf(marker), marker).not.toContain('$mode');
  });

  it('refuses an unknown mode', () => {
    expect(() =>
      execFileSync('bash', [join(ROOT, 'scripts/setup.sh'), 'everything'], { stdio: 'pipe' }),
    ).toThrow(/usage: setup.sh \[demo\]/);
  });
});
