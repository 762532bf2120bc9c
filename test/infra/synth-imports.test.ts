/**
 * Synth loads no runtime module: the CDK app reads each function's environment module, the contracts and a
 * few declaration modules (tables, names), never a handler, an adapter or the libraries they load (the AWS
 * SDK, pdfkit, Powertools, middy). The import graph is esbuild's, the same resolution tsx runs `cdk synth`
 * with (type-only imports are erased).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/paths.ts';

/** Modules of functions/ the stack may load besides environment modules and contracts, and why. */
const DECLARATIONS: Readonly<Record<string, string>> = {
  'functions/routes.ts': 'the route table: event patterns and function specs',
  'functions/api/route-table.ts': 'the API routes as API Gateway sees them',
  'functions/api/auth/aws-identity.ts':
    'how principal ARNs are compared (verdict:apiRoleMap is checked at synth)',
  'functions/adapters/aws/decision-table-schema.ts': 'the decisions table keys and index',
  'functions/adapters/aws/deployment-table-schema.ts': 'the deployments table keys and indexes',
  'functions/adapters/aws/ledger/table-schema.ts': 'the ledger table keys',
  'functions/shared/hashing.ts': 'imported by ledger/table-schema.ts',
  'functions/shared/canonical-json.ts': 'imported by hashing.ts',
  'functions/adapters/aws/kms-usage.ts': 'the signing algorithm and encryption context the key policies name',
  'functions/reports/formats/pdf-bundling.ts': 'the font files the report worker package carries',
  'functions/shared/validation.ts': 'the zod error formatting the environment modules use',
};

/**
 * Packages only functions use at run time. Powertools' EventBridge envelope schema is the exception: the
 * contracts extend it, and it is a zod schema with no runtime of its own.
 */
const RUNTIME_PACKAGES =
  /^(@aws-sdk\/|@aws-lambda-powertools\/(?!parser\/schemas\/eventbridge$)|@middy\/|pdfkit$|@open-policy-agent\/|better-sqlite3$|hyparquet)/;

const isEnvironmentModule = (path: string) =>
  /^functions\/(.+\/)?environment\.ts$/.test(path) || path.startsWith('functions/contracts/');

async function importGraph(entries: string[]): Promise<{ modules: string[]; packages: string[] }> {
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: entries,
    outdir: 'out',
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = result.metafile.inputs;
  const packages = new Set<string>();
  for (const input of Object.values(inputs))
    for (const imported of input.imports) if (imported.external) packages.add(imported.path);
  return { modules: Object.keys(inputs), packages: [...packages].sort() };
}

/** Every module of infra/: the app and everything it could load. */
const INFRA = readdirSync(join(REPO_ROOT, 'infra'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => `infra/${file}`);

describe('cdk synth (every module of infra/)', () => {
  it('loads from functions/ only environment modules, contracts and the listed declarations', async () => {
    const { modules } = await importGraph(INFRA);
    const runtime = modules.filter(
      (path) => path.startsWith('functions/') && !isEnvironmentModule(path) && !(path in DECLARATIONS),
    );
    expect(runtime).toEqual([]);
    expect(modules).toContain('functions/reports/environment.ts');
    // The list stays tight: a declaration the stack no longer loads leaves it.
    expect(Object.keys(DECLARATIONS).filter((path) => !modules.includes(path))).toEqual([]);
  }, 30_000);

  it('loads neither pdfkit nor the AWS SDK, Powertools or middy', async () => {
    const { packages } = await importGraph(INFRA);
    expect(packages.filter((name) => RUNTIME_PACKAGES.test(name))).toEqual([]);
  }, 30_000);

  it('would see them: the report worker handler loads pdfkit and the KMS client', async () => {
    const { modules, packages } = await importGraph(['functions/reports/handler.ts']);
    expect(packages).toEqual(expect.arrayContaining(['pdfkit', '@aws-sdk/client-kms']));
    expect(modules).toContain('functions/reports/formats/pdf.ts');
  }, 30_000);
});
