/**
 * The SARIF 2.1.0 JSON schema (OASIS; the copy `@microsoft/jest-sarif` 1.0.0-beta.0 ships as
 * lib/schemas/sarif-2.1.0-rtm.5.json, MIT), compiled once. It is a draft-04 schema.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Options, ValidateFunction } from 'ajv-draft-04';
import { ROOT } from './cli.ts';

const schema = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'));
// The rtm.5 copy's `language` pattern is valid only as a non-Unicode regular expression.
// A CommonJS module whose types declare only a default export: loaded with require.
const Ajv = createRequire(import.meta.url)('ajv-draft-04') as new (
  options: Options,
) => { compile(schema: unknown): ValidateFunction };
const validate = new Ajv({
  allErrors: true,
  strict: false,
  unicodeRegExp: false,
  formats: {
    uri: /^[a-z][a-z0-9+.-]*:\S+$/i,
    'uri-reference': /^\S*$/,
    'date-time': (value: string) => !Number.isNaN(Date.parse(value)),
  },
}).compile(schema);

/** The schema's complaints about a SARIF log, empty when it is valid. */
export function sarifSchemaErrors(log: unknown): string[] {
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
