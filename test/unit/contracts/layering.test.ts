/**
 * The layering rule of the contracts: contracts depend on nothing but zod (and Powertools' zod schema of
 * the EventBridge envelope) and each other; ports, the ledger and infra read contracts, never a
 * capability (gates/, reports/).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const IMPORT = /^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/** `file: specifier` for every import in the folder's sources that matches. */
function imports(dir: string, matches: (specifier: string, file: string) => boolean): string[] {
  return sources(dir).flatMap((file) =>
    [...readFileSync(join(ROOT, file), 'utf8').matchAll(IMPORT)]
      .map((m) => m[1] as string)
      .filter((specifier) => matches(specifier, file))
      .map((specifier) => `${relative(ROOT, join(ROOT, file))}: ${specifier}`),
  );
}

const CAPABILITY = /(^|\/)(gates|reports)\//;

describe('contracts', () => {
  it('import only zod, the EventBridge envelope schema and other contracts', () => {
    const allowed = (s: string) =>
      s === 'zod' || s === '@aws-lambda-powertools/parser/schemas/eventbridge' || /^\.\/[a-z-]+\.ts$/.test(s);
    expect(sources('functions/contracts').length).toBeGreaterThan(0);
    expect(imports('functions/contracts', (s) => !allowed(s))).toEqual([]);
  });

  it.each(['functions/ports', 'functions/ledger'])('are what %s imports, never a capability', (dir) => {
    // A Lambda's handler.ts is its composition root: it wires the capabilities the rest only names by port.
    const wiring = (file: string) => file.endsWith('/handler.ts');
    expect(imports(dir, (s, file) => !wiring(file) && s.startsWith('.') && CAPABILITY.test(s))).toEqual([]);
  });

  it('are what infra imports, never a gate', () => {
    // A function's environment module is the one part of it infra reads: the variables it sets.
    const environment = (s: string) => s.endsWith('/environment.ts');
    expect(imports('infra', (s) => s.startsWith('.') && /(^|\/)gates\//.test(s) && !environment(s))).toEqual(
      [],
    );
  });
});
