/**
 * scripts/build-kube.sh and the test support that runs its binaries agree on where they are, and the
 * script reports a cache without them as not built.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { localControlPlaneBuilt } from '../../../functions/local/kube/local-control-plane.ts';
import { ROOT } from '../../support/cli.ts';
import { kubeBinDir } from '../../support/kube-cluster.ts';

const SCRIPT = join(ROOT, 'scripts/build-kube.sh');
const cache = mkdtempSync(join(tmpdir(), 'verdict-kube-cache-'));
const env = { ...process.env, XDG_CACHE_HOME: cache };

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(() => {
  rmSync(cache, { recursive: true, force: true });
});

describe('scripts/build-kube.sh', () => {
  it('is valid bash', () => {
    execFileSync('bash', ['-n', SCRIPT]);
  });

  it('names the same cache folder as the test support, keyed by the pins', () => {
    vi.stubEnv('XDG_CACHE_HOME', cache);
    vi.stubEnv('VERDICT_KUBE_BIN_DIR', '');

    const folder = execFileSync('bash', [SCRIPT, '--dir'], { env, encoding: 'utf8' }).trim();

    expect(folder).toMatch(new RegExp(`^${cache}/verdict/kube/[0-9a-f]{16}$`));
    expect(kubeBinDir()).toBe(folder);
  });

  it('reports a cache without the binaries as not built, and builds nothing when asked to check', () => {
    vi.stubEnv('XDG_CACHE_HOME', cache);
    vi.stubEnv('VERDICT_KUBE_BIN_DIR', '');

    expect(() => execFileSync('bash', [SCRIPT, '--check'], { env, stdio: 'pipe' })).toThrow();
    expect(localControlPlaneBuilt()).toBe(false);
  });

  it('counts the control plane as built only with all five binaries, as the script and the CLI alike', () => {
    vi.stubEnv('XDG_CACHE_HOME', cache);
    vi.stubEnv('VERDICT_KUBE_BIN_DIR', '');
    const folder = kubeBinDir();
    mkdirSync(folder, { recursive: true });
    const binaries = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
    for (const name of binaries) {
      writeFileSync(join(folder, name), '');
      chmodSync(join(folder, name), 0o755);
    }

    expect(() => execFileSync('bash', [SCRIPT, '--check'], { env, stdio: 'pipe' })).toThrow();
    expect(localControlPlaneBuilt()).toBe(false);

    writeFileSync(join(folder, 'kwok'), '');
    chmodSync(join(folder, 'kwok'), 0o755);
    execFileSync('bash', [SCRIPT, '--check'], { env, stdio: 'pipe' });
    expect(localControlPlaneBuilt()).toBe(true);
  });
});
