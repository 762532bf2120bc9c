import { InvalidInputError, parseOrThrow } from '../../shared/validation.ts';
import { parseExactJson } from '../policy/exact-json.ts';
import { type AiSystemProfile, aiSystemProfileSchema } from './ai-system-profile.ts';

/**
 * Parses profile bytes; every problem is reported with its JSON path under `profile`. Numbers are read
 * exactly (exact-json.ts): a training compute of 10^25 + 1 FLOPs stays 10^25 + 1.
 */
export function parseProfile(bytes: Uint8Array | string): AiSystemProfile {
  const text = typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes);
  let json: unknown;
  try {
    json = parseExactJson(text);
  } catch (error) {
    throw new InvalidInputError('profile.invalid', [`profile: not JSON (${(error as Error).message})`]);
  }
  return parseOrThrow(aiSystemProfileSchema, json, 'profile.invalid', 'profile');
}
