/**
 * How fast the CLI starts, against Node itself and the pinned OPA CLI, measured in the same run:
 * `verdict --help` against `node -e 0` (wall time and peak RSS), and `verdict gate` on a sample event
 * against `opa eval` of the same entrypoint on the input the gate builds from it. The CLI runs as a user
 * runs it (`bin/verdict.js`, the esbuild build from `npm run setup`). Wall-time ratios are the targets;
 * CPU ratios (mean CPU per run as the kernel counts it for every child, Node or Go) say the same on a
 * machine busy with other work, where wall time mostly measures the wait.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedPolicyEngine, policyBundlePath } from '../functions/gates/policy/engine-cache.ts';
import { GATE_ENTRYPOINTS } from '../functions/gates/policy/entrypoints.ts';
import { captureGateInput, SCENARIOS } from './policy-evaluation.ts';
import { isMain, REPO_ROOT, summarize, table, writeResult } from './support.ts';

const fixed = (value: number | undefined, digits = 1): string =>
  value === undefined ? '' : value.toFixed(digits);

const RUNS = 15;
const CLI = join(REPO_ROOT, 'bin/verdict.js');
const SAMPLES = join(REPO_ROOT, 'functions/local/demo/samples');
/**
 * Reports the process's peak RSS (KiB) and CPU time (user + system, µs) on stderr as it exits. CPU time
 * says more than wall time on a machine shared with other work.
 */
const USAGE_HOOK = `data:text/javascript,process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('\\npeak-rss-kib '+u.maxRSS+' cpu-us '+(u.userCPUTime+u.systemCPUTime)+'\\n')})`;

/**
 * CPU time (user + system, ms) of this process's children that have exited, from /proc (Linux): the one
 * CPU measure that covers the OPA CLI as well as Node. Counted in clock ticks, so only a mean over many
 * runs is precise. Undefined where /proc is not there.
 */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
function childrenCpuMs(): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): cutime and cstime are the 14th and 15th.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

interface Run {
  ms: number;
  rssMiB?: number;
  cpuMs?: number;
}

function timed(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Run {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', env, maxBuffer: 16 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0 && result.status !== 3)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const usage = /peak-rss-kib (\d+) cpu-us (\d+)/.exec(result.stderr ?? '');
  return { ms, ...(usage ? { rssMiB: Number(usage[1]) / 1024, cpuMs: Number(usage[2]) / 1000 } : {}) };
}

function series(command: string, args: readonly string[], env?: NodeJS.ProcessEnv) {
  timed(command, args, env); // warm the file cache
  const cpuBefore = childrenCpuMs();
  const runs = Array.from({ length: RUNS }, () => timed(command, args, env));
  const cpuAfter = childrenCpuMs();
  const rss = runs.flatMap((r) => (r.rssMiB === undefined ? [] : [r.rssMiB]));
  const cpu = runs.flatMap((r) => (r.cpuMs === undefined ? [] : [r.cpuMs]));
  return {
    ms: summarize(runs.map((r) => r.ms)),
    cpuMs: cpu.length ? summarize(cpu) : undefined,
    peakRssMiB: rss.length ? Math.max(...rss) : undefined,
    /** Mean CPU ms per run, children's CPU as the kernel counts it: comparable across Node and OPA. */
    meanCpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / RUNS,
  };
}

const cpuRatio = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined || b === 0 ? undefined : a / b;

export async function runCliStartup(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'verdict-bench-cli-'));
  try {
    const node = series(process.execPath, ['--import', USAGE_HOOK, '-e', '0']);
    const help = series(process.execPath, ['--import', USAGE_HOOK, CLI, '--help']);

    // The gate on the sample registry event with the credit-scorer profile and Clarify report.
    const scenario = SCENARIOS.find((s) => s.name === 'allow');
    if (!scenario) throw new Error('no allow scenario');
    const evidence = join(work, 'evidence');
    execFileSync('mkdir', ['-p', evidence]);
    copyFileSync(join(SAMPLES, scenario.report), join(evidence, 'analysis.json'));
    const event = join(REPO_ROOT, 'test/fixtures/events/sagemaker-model-package-state-change.json');
    const gate = series(process.execPath, [
      '--import',
      USAGE_HOOK,
      CLI,
      'gate',
      '--event',
      event,
      '--profile',
      join(SAMPLES, scenario.profile),
      '--evidence',
      evidence,
    ]);
    const input = join(work, 'input.json');
    writeFileSync(
      input,
      JSON.stringify(await captureGateInput(await cachedPolicyEngine(policyBundlePath())(), scenario)),
    );
    const opaBinary = execFileSync('go', ['tool', '-n', 'opa'], {
      cwd: join(REPO_ROOT, 'tools'),
      encoding: 'utf8',
    }).trim();
    const query = `data.${GATE_ENTRYPOINTS.model_registry.replaceAll('/', '.')}`;
    // The same policies and data the bundle is built from (the bundle itself is WebAssembly).
    const opa = series(opaBinary, [
      'eval',
      ...['-d', join(REPO_ROOT, 'policies'), '--ignore', '*_test.rego', '--ignore', 'build'],
      ...['-i', input, '--format', 'raw', query],
    ]);

    const ratio = (a: number | undefined, b: number | undefined) =>
      a === undefined || b === undefined ? '' : fixed(a / b, 2);
    const rows = [
      [
        'node -e 0',
        fixed(node.ms.p50),
        fixed(node.cpuMs?.p50),
        fixed(node.meanCpuMs),
        fixed(node.peakRssMiB),
        '1',
        '1',
      ],
      [
        'verdict --help',
        fixed(help.ms.p50),
        fixed(help.cpuMs?.p50),
        fixed(help.meanCpuMs),
        fixed(help.peakRssMiB),
        ratio(help.ms.p50, node.ms.p50),
        ratio(help.meanCpuMs, node.meanCpuMs),
      ],
      ['opa eval (model_registry)', fixed(opa.ms.p50), '', fixed(opa.meanCpuMs), '', '1', '1'],
      [
        'verdict gate (sample event)',
        fixed(gate.ms.p50),
        fixed(gate.cpuMs?.p50),
        fixed(gate.meanCpuMs),
        fixed(gate.peakRssMiB),
        ratio(gate.ms.p50, opa.ms.p50),
        ratio(gate.meanCpuMs, opa.meanCpuMs),
      ],
    ];
    console.log(
      table(
        'CLI start-up (p50 of 15 runs)',
        [
          'command',
          'ms',
          'CPU ms',
          'mean CPU ms (kernel)',
          'peak RSS MiB',
          'wall ratio to baseline',
          'CPU ratio to baseline',
        ],
        rows,
      ),
    );
    const file = writeResult('cli-startup', {
      runs: RUNS,
      node: node,
      help: {
        ...help,
        ratioToNode: help.ms.p50 / node.ms.p50,
        cpuRatioToNode: cpuRatio(help.meanCpuMs, node.meanCpuMs),
      },
      opaEval: opa,
      gate: {
        ...gate,
        ratioToOpaEval: gate.ms.p50 / opa.ms.p50,
        cpuRatioToOpaEval: cpuRatio(gate.meanCpuMs, opa.meanCpuMs),
      },
    });
    console.log(`wrote ${file}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await runCliStartup();
