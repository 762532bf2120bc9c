/**
 * The ledger is plain code over ports: nothing under functions/ledger/ imports the AWS SDK (the AWS driver lives
 * in functions/adapters/aws/ledger/), and the pure tile layout stays pure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports, statically or dynamically. */
function importedModules(source: string): string[] {
  const specifiers = [
    ...source.matchAll(/\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g),
    ...source.matchAll(/\bimport\s*['"]([^'"]+)['"]/g),
    ...source.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...source.matchAll(/\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return specifiers.map((match) => match[1] as string);
}

function awsSdkImports(dir: string): string[] {
  return sourceFiles(dir).flatMap((file) =>
    importedModules(readFileSync(file, 'utf8'))
      .filter((module) => module.startsWith('@aws-sdk/') || module === 'aws-sdk')
      .map((module) => `${relative(ROOT, file)} imports ${module}`),
  );
}

describe('the ledger imports no AWS SDK', () => {
  it('has no @aws-sdk import under functions/ledger/', () => {
    expect(sourceFiles(join(ROOT, 'functions/ledger')).length).toBeGreaterThan(20);
    expect(awsSdkImports(join(ROOT, 'functions/ledger'))).toEqual([]);
  });

  it('finds every form of import it forbids', () => {
    const source = [
      "import type { S3Client } from '@aws-sdk/client-s3';",
      "import {\n  GetCommand,\n} from '@aws-sdk/lib-dynamodb';",
      "export { KMSClient } from '@aws-sdk/client-kms';",
      "import '@aws-sdk/client-sts';",
      "const m = await import('@aws-sdk/client-sqs');",
    ].join('\n');
    expect(importedModules(source)).toEqual([
      '@aws-sdk/client-s3',
      '@aws-sdk/lib-dynamodb',
      '@aws-sdk/client-kms',
      '@aws-sdk/client-sts',
      '@aws-sdk/client-sqs',
    ]);
  });

  it('keeps the AWS driver, which does import it, outside functions/ledger/', () => {
    expect(awsSdkImports(join(ROOT, 'functions/adapters/aws/ledger'))).not.toEqual([]);
  });
});
