/**
 * Lambda deployment packages as `cdk synth` builds them: size per function, and module-init time (importing
 * the bundle with the function's environment) over a bare node start measured the same way in the same run.
 *
 * Synthesizes into a private temporary directory, not cdk.out, so it never races a concurrent synth.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { functions } from '../functions/routes.ts';
import { isMain, ms, REPO_ROOT, rounded, summarize, table, writeResult } from './support.ts';

export const PARAMS = { runs: 15, warmupRuns: 1 };

const FAKE_AWS = {
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIABENCHFAKEKEY0000',
  AWS_SECRET_ACCESS_KEY: 'bench-fake-secret-access-key',
  AWS_SESSION_TOKEN: 'bench-fake-session-token',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  TZ: ':UTC',
};

interface LambdaAsset {
  logicalId: string;
  cdkPath: string;
  function: string | null;
  runtime: string;
  memoryMb: number;
  assetDir: string;
  environment: Record<string, string>;
}

function synth(outdir: string) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('npx', ['cdk', 'synth', '-q', '-o', outdir], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
  return { ok: r.status === 0, status: r.status, seconds, output };
}

/** Every AWS::Lambda::Function whose code is a CDK asset directory, in every template of the assembly. */
function lambdaAssets(outdir: string): LambdaAsset[] {
  const templates = (readdirSync(outdir, { recursive: true }) as string[]).filter((f) =>
    f.endsWith('.template.json'),
  );
  const assets: LambdaAsset[] = [];
  for (const file of templates) {
    const template = JSON.parse(readFileSync(join(outdir, file), 'utf8')) as {
      Resources?: Record<
        string,
        { Type: string; Metadata?: Record<string, unknown>; Properties?: LambdaProps }
      >;
    };
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      const assetPath = resource.Metadata?.['aws:asset:path'];
      if (resource.Type !== 'AWS::Lambda::Function' || typeof assetPath !== 'string') continue;
      const props = resource.Properties ?? {};
      const name = Object.entries(functions).find(([, spec]) => spec.description === props.Description)?.[0];
      const variables = Object.entries(props.Environment?.Variables ?? {}).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : `bench-${k.toLowerCase().replaceAll('_', '-')}`,
      ]);
      assets.push({
        logicalId,
        cdkPath: String(resource.Metadata?.['aws:cdk:path'] ?? logicalId),
        function: name ?? null,
        runtime: props.Runtime ?? 'unknown',
        memoryMb: props.MemorySize ?? 128,
        assetDir: join(outdir, dirname(file), assetPath),
        environment: Object.fromEntries(variables),
      });
    }
  }
  return assets;
}

interface LambdaProps {
  Description?: string;
  Runtime?: string;
  MemorySize?: number;
  Environment?: { Variables?: Record<string, unknown> };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function dirBytes(dir: string): number {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((f) => statSync(join(dir, f)))
    .filter((s) => s.isFile())
    .reduce((sum, s) => sum + s.size, 0);
}

function sizes(asset: LambdaAsset) {
  const index = join(asset.assetDir, 'index.mjs');
  return {
    indexMjsBytes: sizeOf(index),
    indexMjsGzipBytes: sizeOf(index) ? gzipSync(readFileSync(index)).length : 0,
    sourceMapBytes: sizeOf(`${index}.map`),
    policyBundleBytes: sizeOf(join(asset.assetDir, 'policy', 'bundle.tar.gz')),
    assetDirBytes: dirBytes(asset.assetDir),
  };
}

/** Wall time of one `node --input-type=module -e <script>`, and what the script printed. */
function timeNode(script: string, env: Record<string, string>): { ns: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
  const ns = Number(process.hrtime.bigint() - t0);
  if (r.status !== 0) throw new Error(`node exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return { ns, stdout: r.stdout };
}

/**
 * Bare start and import, interleaved, with the same flags and environment; reports the per-pair difference.
 * The import script also times the import itself from inside the child.
 */
function moduleInit(asset: LambdaAsset, nodeOptions: string | undefined) {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...asset.environment,
    ...FAKE_AWS,
    AWS_LAMBDA_FUNCTION_NAME: asset.function ?? asset.logicalId,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(asset.memoryMb),
    VERDICT_POLICY_BUNDLE: join(asset.assetDir, 'policy', 'bundle.tar.gz'),
  };
  if (nodeOptions === undefined) delete env.NODE_OPTIONS;
  else env.NODE_OPTIONS = nodeOptions;
  const url = pathToFileURL(join(asset.assetDir, 'index.mjs')).href;
  const importScript =
    `const t = performance.now(); const m = await import(${JSON.stringify(url)}); ` +
    `process.stdout.write(JSON.stringify({ ms: performance.now() - t, handler: typeof m.handler }));`;
  const bare: number[] = [];
  const imported: number[] = [];
  const inChild: number[] = [];
  for (let i = 0; i < PARAMS.warmupRuns + PARAMS.runs; i++) {
    const b = timeNode('', env);
    const m = timeNode(importScript, env);
    const child = JSON.parse(m.stdout) as { ms: number; handler: string };
    if (child.handler !== 'function') throw new Error(`${url} exports no handler function`);
    if (i < PARAMS.warmupRuns) continue;
    bare.push(b.ns);
    imported.push(m.ns);
    inChild.push(child.ms * 1e6);
  }
  const diff = summarize(imported.map((ns, i) => ns - (bare[i] ?? 0)));
  const bareS = summarize(bare);
  const importS = summarize(imported);
  return {
    nodeOptions: nodeOptions ?? null,
    initNs: { p50: Math.round(diff.p50), p90: Math.round(diff.p90), min: Math.round(diff.min) },
    bareNodeNs: rounded(bareS, 0),
    nodeWithImportNs: rounded(importS, 0),
    importInChildNs: rounded(summarize(inChild), 0),
    ratioImportOverBare: Math.round((importS.p50 / bareS.p50) * 100) / 100,
  };
}

export async function runLambdaBundles(): Promise<boolean> {
  const outdir = mkdtempSync(join(tmpdir(), 'verdict-bench-cdk.out-'));
  try {
    const s = synth(outdir);
    if (!s.ok) {
      const tail = s.output.trim().split('\n').slice(-25).join('\n');
      console.log(
        `lambda bundles: FAILED: \`npx cdk synth -q\` exited ${s.status} after ${s.seconds.toFixed(1)} s\n${tail}`,
      );
      const file = writeResult('lambda-bundles', {
        status: 'synth-failed',
        parameters: PARAMS,
        synth: {
          command: 'npx cdk synth -q -o <tmp>',
          exitStatus: s.status,
          seconds: s.seconds,
          outputTail: tail,
        },
      });
      console.log(`wrote ${file}`);
      return false;
    }
    const assets = lambdaAssets(outdir);
    if (assets.length === 0)
      throw new Error('the synthesized templates have no AWS::Lambda::Function with an asset');
    const results = assets.map((asset) => {
      const size = sizes(asset);
      // As deployed, and (when the template sets NODE_OPTIONS) without it: --enable-source-maps costs at init.
      const variants = [...new Set([asset.environment.NODE_OPTIONS, undefined])];
      const init = size.indexMjsBytes ? variants.map((options) => moduleInit(asset, options)) : [];
      return {
        function: asset.function,
        cdkPath: asset.cdkPath,
        runtime: asset.runtime,
        memoryMb: asset.memoryMb,
        ...size,
        moduleInit: init,
      };
    });

    const rows = results.flatMap((r) =>
      r.moduleInit.map((m) => [
        `${r.function ?? r.cdkPath} [NODE_OPTIONS=${m.nodeOptions ?? ''}]`,
        (r.indexMjsBytes / 1024).toFixed(0),
        (r.indexMjsGzipBytes / 1024).toFixed(0),
        (r.assetDirBytes / 1024).toFixed(0),
        ms(m.initNs.p50),
        ms(m.initNs.p90),
        ms(m.importInChildNs.p50),
        ms(m.bareNodeNs.p50),
        String(m.ratioImportOverBare),
      ]),
    );
    console.log(
      table(
        `lambda bundles (cdk synth ${s.seconds.toFixed(1)} s; module init = node+import minus bare node, N=${PARAMS.runs} pairs after ${PARAMS.warmupRuns}; node ${process.version})`,
        [
          'function',
          'index KiB',
          'gzip KiB',
          'dir KiB',
          'init p50 ms',
          'init p90 ms',
          'in-child ms',
          'bare ms',
          'x bare',
        ],
        rows,
      ),
    );
    const file = writeResult('lambda-bundles', {
      status: 'ok',
      parameters: {
        ...PARAMS,
        baseline:
          "node --input-type=module -e '' with the same environment, interleaved with the import runs",
        environment: 'template Environment.Variables (Refs replaced by placeholders) + fake AWS credentials',
      },
      synth: { command: 'npx cdk synth -q -o <tmp>', seconds: Math.round(s.seconds * 10) / 10 },
      functions: results,
    });
    console.log(`wrote ${file}`);
    return true;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url) && !(await runLambdaBundles())) process.exitCode = 1;
