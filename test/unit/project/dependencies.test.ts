/**
 * Every package in package.json is used: imported by a source, a test, a script, the benchmark or the
 * infrastructure code, or named below as a command-line tool or type package. A dependency nothing uses
 * is install time, audit surface and supply-chain risk for nothing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCANNED = ['functions', 'infra', 'test', 'bench', 'scripts', 'bin', 'vitest.config.ts'];

/** Packages used through their command, or for their types, rather than imported. */
const NOT_IMPORTED: Record<string, string> = {
  '@biomejs/biome': 'npm run lint',
  'dependency-cruiser': 'npm run lint (depcruise)',
  'aws-cdk': 'npm run synth (cdk)',
  typescript: 'npm run typecheck (tsc)',
  '@types/aws-lambda': 'types',
  '@types/better-sqlite3': 'types',
  '@types/node': 'types',
  '@types/pdfkit': 'types',
};

function sourceFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return /\.(ts|js|mjs|cjs)$/.test(path) ? [path] : [];
  return readdirSync(path).flatMap((name) =>
    name === 'node_modules' || name === 'build' ? [] : sourceFiles(join(path, name)),
  );
}

function importedPackages(): Set<string> {
  const packages = new Set<string>();
  const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"./][^'"]*)['"]/g;
  for (const file of SCANNED.flatMap((entry) => sourceFiles(join(ROOT, entry)))) {
    for (const [, name] of readFileSync(file, 'utf8').matchAll(specifier)) {
      if (!name || name.startsWith('node:')) continue;
      const parts = name.split('/');
      packages.add(name.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string));
    }
  }
  return packages;
}

describe('package.json', () => {
  it('lists no package that nothing uses', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const imported = importedPackages();
    const declared = [...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)];
    expect(declared.filter((name) => !imported.has(name) && !(name in NOT_IMPORTED))).toEqual([]);
  });
});
