/**
 * What the CLI build bundles in place of `yaml`. The OPA WebAssembly SDK imports it when it loads, for the
 * yaml.* built-ins only (about 175 KB of code, three quarters of the SDK's share of the build), which
 * Verdict's policies do not call. The package is loaded from node_modules on the first call instead.
 */
import { createRequire } from 'node:module';

interface Yaml {
  parse(text: string): unknown;
  stringify(value: unknown): string;
}

let yaml: Yaml | undefined;
const loaded = (): Yaml => {
  yaml ??= createRequire(import.meta.url)('yaml') as Yaml;
  return yaml;
};

export const parse = (text: string): unknown => loaded().parse(text);
export const stringify = (value: unknown): string => loaded().stringify(value);
export default { parse, stringify };
