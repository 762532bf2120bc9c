/**
 * The CLI build bundles scripts/cli-lazy-yaml.ts in place of `yaml` (scripts/build-cli.ts): OPA's yaml.*
 * built-ins must behave as with the package itself, errors included (the SDK tells a YAML error by name).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import lazyYaml, { parse, stringify } from '../../../scripts/cli-lazy-yaml.ts';

const yaml = createRequire(import.meta.url)('yaml') as typeof lazyYaml;

describe('the lazy yaml of the CLI build', () => {
  it('parses and writes as the package does', () => {
    const text = 'model: credit\nthresholds:\n  - 0.8\n  - 1.25\n';
    expect(parse(text)).toEqual(yaml.parse(text));
    expect(stringify({ a: [1, 'b'] })).toBe(yaml.stringify({ a: [1, 'b'] }));
    expect(lazyYaml.parse('x: 1')).toEqual({ x: 1 });
  });

  it('throws the package’s own YAML errors', () => {
    const thrown = (() => {
      try {
        parse('a: [1, 2');
      } catch (error) {
        return error as Error;
      }
    })();
    expect(thrown?.name).toMatch(/^YAML/);
  });
});
