/** Writes docs/profile.schema.json from the profile's zod schema (a unit test fails when it is stale). */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROFILE_SCHEMA_PATH, profileJsonSchemaText } from './profile-json-schema.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
writeFileSync(join(root, PROFILE_SCHEMA_PATH), profileJsonSchemaText());
console.error(`wrote ${PROFILE_SCHEMA_PATH}`);
