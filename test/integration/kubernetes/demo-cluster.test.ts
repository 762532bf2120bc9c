/**
 * `verdict demo` with the local Kubernetes control plane built: the retrained credit scorer also goes to a
 * GPU workload on it (gated, applied, watched until rolled out), the drift alarm re-gates that workload too
 * (the monitoring policy keeps a promoted one for review), and the control plane is gone when the demo ends.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../../functions/contracts/deployment.ts';
import { runCli } from '../../support/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'verdict-demo-eks-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Control-plane processes whose command line names `dir`. */
function processesUsing(dir: string): string[] {
  const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => line.includes(dir) && /kube-|etcd|kwok/.test(line));
}

describe('verdict demo with the local control plane', () => {
  it('deploys the retrained credit scorer as a GPU workload and stops the control plane afterwards', async () => {
    const dataDir = join(work, 'data');
    const run = await runCli(['demo', '--data-dir', dataDir], { cwd: work, timeout: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      'The GPU workload runs on a local Kubernetes control plane with a simulated GPU node (kwok).\n',
    );
    const line =
      /^retail-credit-scorer v2 \(retrained, GPU workload\) -> eks:verdict-local\/serving\/credit-scorer \(prod\): PROMOTED\n {2}steps gate -> plan -> apply -> promoted {3}deployment (\S+)$/m.exec(
        run.stdout,
      );
    expect(line, run.stdout).not.toBeNull();
    // 39 entries without the cluster; the GPU workload adds its gate decision and four steps, and the drift
    // alarm's re-gate of it a monitoring decision and the alarm's action.
    expect(run.stdout).toContain('Audit ledger: 46 entries');

    const show = await runCli(
      ['deployments', 'show', line?.[1] as string, '--format', 'json', '--data-dir', dataDir],
      {
        cwd: work,
      },
    );
    const deployment = JSON.parse(show.stdout) as Deployment;
    expect(deployment.status).toBe('promoted');
    expect(deployment.request.compute).toMatchObject({
      kind: 'gpu-replicas',
      gpuType: 'nvidia-l4',
      gpuCount: 1,
    });
    // A kept deployment's alarm is a ledger action beside the history, which records status changes only.
    expect(deployment.history.map((h) => h.step)).toEqual(['gate', 'plan', 'apply', 'promoted']);
    expect(processesUsing(dataDir)).toEqual([]);
  });
});
