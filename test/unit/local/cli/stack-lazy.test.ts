/**
 * The deployment commands load the AWS wiring only with `--stack`: nothing they import statically (directly
 * or through other modules) is an AWS adapter or the AWS SDK; stack-deployments.ts is imported dynamically.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../../..');
const COMMANDS = ['deploy-command.ts', 'deployments-command.ts', 'decisions-command.ts'].map((file) =>
  join(ROOT, 'functions/local/cli', file),
);

/** Module specifiers a file imports statically (`import ... from`, `export ... from`, bare `import '...'`). */
function staticImports(source: string): string[] {
  const withoutTypes = source.replace(/\bimport\s+type\b[^;]*;/g, '');
  return [
    ...withoutTypes.matchAll(/\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g),
    ...withoutTypes.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
  ].map((match) => match[1] as string);
}

function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of staticImports(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('the deployment commands without --stack', () => {
  it.each(COMMANDS)('%s loads no AWS adapter and no AWS SDK', (command) => {
    const { files, packages } = staticGraph(command);
    expect(files.size).toBeGreaterThan(5);
    const aws = [...files]
      .map((file) => relative(ROOT, file))
      .filter((file) => file.startsWith('functions/adapters/aws/') || file.endsWith('stack-deployments.ts'));
    expect(aws).toEqual([]);
    expect([...packages].filter((name) => name.startsWith('@aws-sdk/'))).toEqual([]);
  });

  it('would see a static import of the stack module', () => {
    expect(
      staticImports("import { x } from './stack-deployments.ts';\nimport type { Y } from './z.ts';"),
    ).toEqual(['./stack-deployments.ts']);
  });
});
